-- Outcomes: follow-up visits of beneficiaries and placements, their two fixed lists (filled from
-- data/seed, $seed_dir) and the two cubes of the outcome pages, empty until follow-ups come.
-- The same statements as the end of schema.sql.
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

INSERT INTO follow_up_status
SELECT code, applies_to, ends, needs_reason, name_fr, name_ar, name_en, sort_order
FROM read_csv($seed_dir || '/follow_up_statuses.csv', header = true, auto_detect = true);

INSERT INTO closure_reason
SELECT code, name_fr, name_ar, name_en, sort_order
FROM read_csv($seed_dir || '/closure_reasons.csv', header = true, auto_detect = true);
