"""The five kinds of file an import takes and their columns: what each column is called and holds.

``KINDS`` are beneficiaries, placements, interventions, published figures and follow-ups
(dated visits of a beneficiary's micro-project or a placement, by the key the warehouse gave
the record); ``TABLES`` the warehouse table each fills. ``FIELDS`` lists, per kind, the record
columns in the order of the template, each with its French header, the headers people also
write (French, English, Arabic; folded on use), the parser that reads its cells
(``cells.PARSERS``), whether it may be left out and the template's example. ``EXAMPLES`` is that
example row as ``parse`` reads it. Pure data: no streamlit, no warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

KINDS = ("beneficiaries", "placements", "interventions", "published_figures", "follow_ups")
TABLES = {
    "beneficiaries": "beneficiary",
    "placements": "placement",
    "interventions": "intervention",
    "published_figures": "published_figure",
    "follow_ups": "follow_up",
}
ID_COLUMNS = {
    "beneficiary": "beneficiary_id",
    "placement": "placement_id",
    "intervention": "intervention_id",
    "published_figure": "figure_id",
    "follow_up": "follow_up_id",
}


def require_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


@dataclass(frozen=True)
class Field:
    """One column of a kind of file: the record column it fills and the headers that name it."""

    name: str  # the column of the record table
    header: str  # the French header of the template
    parser: str  # how a cell is read (see cells.PARSERS)
    aliases: tuple[str, ...] = ()  # other headers (French, English, Arabic); folded on use
    required: bool = True  # an optional column may be absent or empty: ``default`` then
    default: object = None
    example: object = None  # the template's example row
    absent: str = "ingest.warning.optional_column_missing"  # the warning when it is left out


_YEAR = ("annee", "year", "programme year", "annee programme", "exercice", "an", "yr", "سنه",
         "سنه برنامج")  # fmt: skip
_REGION = ("region", "region code", "code region", "nom region", "region name", "جهه")
_SECTOR = ("secteur", "sector", "sector code", "code secteur", "secteur activite", "nom secteur",
           "sector name", "activite", "قطاع")  # fmt: skip
_SEX = ("sexe", "sex", "genre", "gender", "جنس")
_AGE = ("tranche age", "age band", "age", "tranche", "classe age", "age group", "فئه عمريه",
        "عمر", "سن")  # fmt: skip

FIELDS: dict[str, tuple[Field, ...]] = {
    "beneficiaries": (
        Field("programme_year", "Année du programme", "year", _YEAR, example=2019),
        Field("region_code", "Région", "region", _REGION, example="Casablanca-Settat"),
        Field("sector_code", "Secteur", "sector", _SECTOR, example="Commerce"),
        Field("sex", "Sexe", "sex", _SEX, example="F"),
        Field("age_band", "Tranche d'âge", "age_band", _AGE, example="25-34"),
        Field("support_type", "Type d'appui", "support_type",
              ("type appui", "type soutien", "support type", "type support", "type",
               "type accompagnement", "nature appui", "type projet", "modalite", "نوع دعم",
               "طبيعه دعم", "نوع مشروع"),
              example="micro-projet"),
        Field("grant_mad", "Montant de la subvention (MAD)", "grant",
              ("montant", "subvention", "grant", "grant mad", "montant subvention",
               "montant accorde", "aide", "montant aide", "budget", "cout", "cout projet",
               "financement", "amount", "grant amount", "mt", "montant dh", "منحه", "مبلغ",
               "مبلغ منحه", "مبلغ بالدرهم", "قيمه منحه", "مبلغ دعم"),
              example=25000),
        Field("is_moussalaha", "Moussalaha", "boolean",
              ("moussalaha", "mousalaha", "is moussalaha", "programme moussalaha", "مصالحه",
               "برنامج مصالحه", "مستفيد مصالحه"),
              required=False, default=False, example="non"),
        Field("is_former_cpe", "Ancien pensionnaire CPE", "boolean",
              ("ancien cpe", "former cpe", "is former cpe", "cpe", "ex cpe",
               "ancien pensionnaire centre protection enfance", "ancien pensionnaire",
               "former cpe resident", "former child protection centre resident",
               "نزيل سابق", "نزيل سابق بمركز حمايه طفوله", "مركز حمايه طفوله",
               "حمايه طفوله", "نزيل سابق مركز حمايه طفوله"),
              required=False, default=False, example="non"),
        Field("is_royal_handover", "Remise royale", "boolean",
              ("royal handover", "is royal handover", "remise royale", "remise par roi",
               "remise sm roi", "remise royal", "royal hand over", "hand over by king",
               "handed over by king", "تسليم ملكي", "تسليم من طرف جلاله ملك", "تسليم ملك",
               "تسلم من جلاله ملك"),
              required=False, default=False, example="non"),
    ),
    "placements": (
        Field("year", "Année", "year", (*_YEAR, "annee placement", "placement year",
              "سنه ادماج", "سنه تشغيل"),
              example=2019),
        Field("region_code", "Région", "region", _REGION, example="Casablanca-Settat"),
        Field("sector_code", "Secteur", "sector", _SECTOR, example="Industrie"),
        Field("sex", "Sexe", "sex", _SEX, example="M"),
        Field("age_band", "Tranche d'âge", "age_band", _AGE, example="18-24"),
    ),
    "interventions": (
        Field("intervention_date", "Date de l'intervention", "date",
              ("date", "date intervention", "intervention date", "jour", "تاريخ",
               "تاريخ تدخل"),
              example=date(2019, 5, 27)),
        Field("centre_id", "Centre", "centre",
              ("centre", "centre id", "capc", "centre capc", "code centre", "ville centre",
               "ville", "center", "center id", "centre ville", "nom centre", "nom capc", "مركز",
               "مركز مواكبه", "مركز مواكبه لما بعد افراج", "مدينه"),
              example="Casablanca"),
        Field("region_code", "Région", "region", _REGION, required=False,
              absent="ingest.warning.region_from_centre", example="Casablanca-Settat"),
        Field("type_code", "Type d'intervention", "intervention_type",
              ("type", "type intervention", "intervention type", "type code", "nature",
               "nature intervention", "نوع", "نوع تدخل", "طبيعه تدخل"),
              example="Social"),
        Field("sex", "Sexe", "sex", _SEX, example="M"),
    ),
    "published_figures": (
        Field("indicator", "Indicateur", "indicator", ("indicateur", "indicator",
              "code indicateur", "nom indicateur", "ind", "مؤشر", "رمز مؤشر"),
              example="programme_beneficiaries"),
        Field("value", "Valeur", "value", ("valeur", "value", "chiffre", "nombre", "val",
              "قيمه", "رقم", "عدد"),
              example="512"),
        Field("unit", "Unité", "unit", ("unite", "unit", "unites", "u", "وحده"),
              example="personnes"),
        Field("qualifier", "Qualificatif", "qualifier",
              ("qualificatif", "qualifier", "precision", "exactitude", "دقه", "نوع قيمه"),
              required=False, default="exact", example="exact"),
        Field("period", "Période", "period", ("periode", "period", "annee", "year", "فتره",
              "سنه"),
              example="2020"),
        Field("scope", "Périmètre", "scope",
              ("perimetre", "scope", "portee", "champ", "niveau", "zone", "region", "نطاق",
               "مجال", "جهه"),
              required=False, default="national", example="national"),
        Field("source_title", "Source", "text",
              ("source", "titre source", "source title", "media", "publication", "مصدر",
               "عنوان مصدر"),
              example="Rapport annuel de la Fondation"),
        Field("source_url", "Lien de la source", "url",
              ("lien", "url", "source url", "lien source", "adresse web", "adresse source",
               "url source", "link", "site", "رابط", "رابط مصدر"),
              required=False, example="https://example.org/rapport-2020"),
        Field("source_date", "Date de la source", "figure_date",
              ("date source", "source date", "date publication", "publication date", "date",
               "تاريخ مصدر", "تاريخ نشر"),
              required=False, example=date(2021, 3, 15)),
        Field("quote", "Citation", "text", ("citation", "quote", "extrait", "اقتباس",
              "مقتطف"), required=False,
              example="512 anciens détenus ont bénéficié du programme"),
        Field("note", "Note", "text",
              ("note", "notes", "remarque", "remarques", "commentaire", "commentaires",
               "observation", "observations", "ملاحظه", "ملاحظات"),
              required=False, example=""),
        Field("already_public", "Déjà public", "boolean",
              ("deja public", "deja publie", "already public", "already published",
               "publie par source", "منشور سابقا", "منشور", "سبق نشره"),
              required=False, default=False, example="non"),
    ),
    "follow_ups": (
        Field("beneficiary_id", "Clé bénéficiaire", "record_key",
              ("cle beneficiaire", "beneficiary key", "cle idmaj beneficiaire",
               "beneficiaire cle idmaj", "beneficiary record", "مفتاح مستفيد",
               "مفتاح ملف مستفيد"),
              required=False, absent="ingest.warning.no_beneficiary_key_column", example=1),
        Field("placement_id", "Clé placement", "record_key",
              ("cle placement", "placement key", "cle idmaj placement", "placement record",
               "مفتاح ادماج", "مفتاح تشغيل", "مفتاح ملف تشغيل"),
              required=False, absent="ingest.warning.no_placement_key_column"),
        Field("visit_date", "Date du suivi", "date",
              ("date suivi", "date visite", "date de visite", "visit date", "follow up date",
               "date", "تاريخ", "تاريخ تتبع", "تاريخ زياره", "تاريخ مواكبه"),
              example=date(2019, 6, 30)),
        Field("status_code", "Statut", "follow_up_status",
              ("statut", "status", "etat", "situation", "statut suivi", "follow up status",
               "حاله", "وضعيه", "وضعيه مشروع"),
              example="Micro-projet en activité"),
        Field("reason_code", "Motif de fermeture", "closure_reason",
              ("motif", "motif fermeture", "raison fermeture", "closure reason", "reason",
               "سبب", "سبب اغلاق", "سبب توقف"),
              required=False, absent="ingest.warning.no_reason_column"),
    ),
}  # fmt: skip


RECORD_COLUMNS = {kind: tuple(f.name for f in fields) for kind, fields in FIELDS.items()}

EXAMPLES: dict[str, dict[str, object]] = {  # the example row as parse reads it
    "beneficiaries": {"programme_year": 2019, "region_code": 6, "sector_code": "commerce",
                      "sex": "F", "age_band": "25-34", "support_type": "micro_projet",
                      "grant_mad": 25000, "is_moussalaha": False, "is_former_cpe": False,
                      "is_royal_handover": False},
    "placements": {"year": 2019, "region_code": 6, "sector_code": "industrie", "sex": "M",
                   "age_band": "18-24"},
    "interventions": {"intervention_date": date(2019, 5, 27), "centre_id": 1,
                      "region_code": 6, "type_code": "social", "sex": "M"},
    "published_figures": {"indicator": "programme_beneficiaries", "value": 512.0,
                          "period": "2020", "scope": "national",
                          "source_title": "Rapport annuel de la Fondation"},
    "follow_ups": {"beneficiary_id": 1, "placement_id": None,
                   "visit_date": date(2019, 6, 30), "status_code": "projet_actif",
                   "reason_code": None},
}  # fmt: skip
