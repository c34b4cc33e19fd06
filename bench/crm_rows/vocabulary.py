"""Names, cities, streets, notes and call topics in French and English, and small helpers
(SIREN, phone numbers, moments)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from faker.providers.job.en_US import Provider as EnglishJobs
from faker.providers.job.fr_FR import Provider as FrenchJobs
from faker.providers.person.en_GB import Provider as BritishNames
from faker.providers.person.fr_FR import Provider as FrenchNames
from stdnum import luhn

from crm import timeline

from .plan import WINDOW_START

FRENCH_LAST_NAMES: tuple[str, ...] = tuple(FrenchNames.last_names)
BRITISH_LAST_NAMES: tuple[str, ...] = tuple(BritishNames.last_names)
FRENCH_FIRST_NAMES_F: tuple[str, ...] = tuple(FrenchNames.first_names_female)
FRENCH_FIRST_NAMES_M: tuple[str, ...] = tuple(FrenchNames.first_names_male)
BRITISH_FIRST_NAMES_F: tuple[str, ...] = tuple(BritishNames.first_names_female)
BRITISH_FIRST_NAMES_M: tuple[str, ...] = tuple(BritishNames.first_names_male)
FRENCH_JOBS: tuple[str, ...] = tuple(job[:100] for job in FrenchJobs.jobs)
ENGLISH_JOBS: tuple[str, ...] = tuple(job[:100] for job in EnglishJobs.jobs)

# Faker lists surnames from most to least common: weight them so that "Martin" is
# frequent and the tail rare, as in a real customer base.
_FRENCH_LAST_WEIGHTS = [1 / (rank + 10) for rank in range(len(FRENCH_LAST_NAMES))]
_BRITISH_LAST_WEIGHTS = [float(w) for w in BritishNames.last_names.values()]

FRENCH_CITIES = [
    ("Paris", "75", "Île-de-France"), ("Lyon", "69", "Auvergne-Rhône-Alpes"),
    ("Marseille", "13", "Provence-Alpes-Côte d'Azur"), ("Toulouse", "31", "Occitanie"),
    ("Nice", "06", "Provence-Alpes-Côte d'Azur"), ("Nantes", "44", "Pays de la Loire"),
    ("Strasbourg", "67", "Grand Est"), ("Montpellier", "34", "Occitanie"),
    ("Bordeaux", "33", "Nouvelle-Aquitaine"), ("Lille", "59", "Hauts-de-France"),
    ("Rennes", "35", "Bretagne"), ("Reims", "51", "Grand Est"),
    ("Saint-Étienne", "42", "Auvergne-Rhône-Alpes"), ("Le Havre", "76", "Normandie"),
    ("Grenoble", "38", "Auvergne-Rhône-Alpes"), ("Dijon", "21", "Bourgogne-Franche-Comté"),
    ("Angers", "49", "Pays de la Loire"), ("Nîmes", "30", "Occitanie"),
    ("Orléans", "45", "Centre-Val de Loire"), ("Besançon", "25", "Bourgogne-Franche-Comté"),
    ("Clermont-Ferrand", "63", "Auvergne-Rhône-Alpes"), ("Brest", "29", "Bretagne"),
    ("Limoges", "87", "Nouvelle-Aquitaine"), ("Tours", "37", "Centre-Val de Loire"),
    ("Amiens", "80", "Hauts-de-France"), ("Perpignan", "66", "Occitanie"),
    ("Metz", "57", "Grand Est"), ("Béziers", "34", "Occitanie"),
    ("Évry-Courcouronnes", "91", "Île-de-France"), ("Créteil", "94", "Île-de-France"),
]  # fmt: skip
BRITISH_CITIES = [
    ("London", "EC1A", "England"), ("Manchester", "M1", "England"),
    ("Birmingham", "B1", "England"), ("Leeds", "LS1", "England"),
    ("Glasgow", "G1", "Scotland"), ("Edinburgh", "EH1", "Scotland"),
    ("Bristol", "BS1", "England"), ("Cardiff", "CF10", "Wales"),
]  # fmt: skip
FRENCH_STREETS = ["rue de la République", "avenue Jean-Jaurès", "boulevard Victor-Hugo",
                  "rue Pasteur", "place de l'Église", "rue des Écoles", "allée des Tilleuls",
                  "chemin du Moulin", "rue Émile-Zola", "quai de la Loire"]  # fmt: skip
BRITISH_STREETS = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"]
FRENCH_COMPANY_FORMS = ["{a} SA", "{a} SARL", "{a} SAS", "{a} et Fils", "{a} & Associés",
                        "Groupe {a}", "{a} Conseil", "{a} Services", "{a} et {b}",
                        "Établissements {a}", "{a} Distribution", "{a} Énergies"]  # fmt: skip
BRITISH_COMPANY_FORMS = ["{a} Ltd", "{a} & Sons", "{a} plc", "{a} Group", "{a} and {b}",
                         "{a} Holdings", "{a} Consulting"]  # fmt: skip
SECTORS_FR = ["Assurance", "Banque", "Énergie", "Télécoms", "Distribution", "Santé",
              "Transport", "Immobilier", "Industrie", "Tourisme", "Administration"]  # fmt: skip
SECTORS_EN = ["Insurance", "Banking", "Energy", "Telecoms", "Retail", "Health", "Transport"]
ORGANISATION_SIZES = ["micro", "small", "medium", "large", "huge"]
FREE_MAIL_DOMAINS_FR = ["orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr",
                        "hotmail.fr", "yahoo.fr", "outlook.fr", "wanadoo.fr"]  # fmt: skip
FREE_MAIL_DOMAINS_EN = ["gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk"]
CONTACT_TAGS = ["fidèle", "nouveau", "sensible", "premium", "b2b", "résiliation",
                "prospect", "réclamation", "vip-historique"]  # fmt: skip
ORGANISATION_TAGS = ["grand compte", "pme", "secteur public", "partenaire"]
# One tag table for both; a tag's id is its position here plus one.
TAGS = CONTACT_TAGS + ORGANISATION_TAGS

NOTES_FR = [
    "Client satisfait du dernier échange, souhaite être rappelé le matin.",
    "A signalé un retard de livraison ; geste commercial proposé.",
    "Intéressé par l'offre fibre pour son agence de Lyon.",
    "Demande une copie de sa facture de mars.",
    "Préfère être contacté par e-mail, pas de démarchage téléphonique.",
    "Changement d'adresse à prévoir au 1er du mois prochain.",
    "Réclamation sur la dernière échéance : dossier transmis au service facturation.",
    "Rappel programmé avec le conseiller habituel, créneau de 14 h à 16 h.",
]
NOTES_EN = [
    "Happy with the last call, prefers morning callbacks.",
    "Reported a late delivery; offered a goodwill credit.",
    "Asked for a copy of the March invoice.",
    "Moving office next month; update the billing address then.",
]
CALL_TOPICS = ["Facturation", "Livraison", "Résiliation", "Offre fibre", "Réclamation",
               "Déménagement", "Billing", "Delivery"]  # fmt: skip
CALL_OUTCOMES = ["answered", "no_answer", "voicemail", "busy", "abandoned"]
_CALL_OUTCOME_WEIGHTS = [70, 10, 10, 4, 6]
_OUTCOME_FR = {"answered": "répondu", "no_answer": "sans réponse", "voicemail": "messagerie",
               "busy": "occupé", "abandoned": "abandonné par l'appelant"}  # fmt: skip
CONSENT_CHANNELS = ["email", "phone", "sms", "post"]
CONSENT_SOURCES = ["formulaire web", "appel", "salon", "courrier", "espace client"]
_CHANNEL_FR = {"email": "e-mail", "phone": "téléphone", "sms": "SMS", "post": "courrier"}
IMPORT_FILES = ["contacts-2023-01.csv", "salon-vivatech-2024.csv", "crm-legacy-export.csv"]

# Timeline kinds of the rows spread over contacts (creation rows are written apart).
_SPREAD_KINDS = [timeline.CALL, timeline.NOTE, timeline.CONSENT, timeline.IMPORTED,
                 timeline.MERGED]  # fmt: skip
_SPREAD_KIND_WEIGHTS = [45, 38, 12, 4, 1]


def _ascii_slug(text: str, separator: str = "") -> str:
    """ "Lefèvre-Dupré" -> "lefevredupre": safe in an email local part or a domain."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = (ch for ch in decomposed if not unicodedata.combining(ch))
    kept = (ch if ch.isascii() and ch.isalnum() else " " for ch in bare)
    return separator.join("".join(kept).split())


def _siren(index: int) -> str:
    """A valid, unique SIREN (Luhn check digit) for the organisation at `index`."""
    # 7919 is prime, hence coprime with 9e7: the body is unique for every index.
    body = f"{10_000_000 + (index * 7919) % 90_000_000:08d}"
    return body + luhn.calc_check_digit(body)


def _french_mobile(index: int) -> str:
    """+336 and 8 digits, unique per index (48271 is coprime with 10**8)."""
    return f"+336{(index * 48271 + 12_345_678) % 100_000_000:08d}"


def _french_landline(index: int) -> str:
    return f"+331{(index * 69621 + 40_000_000) % 100_000_000:08d}"


def _moment(seconds: int) -> datetime:
    return WINDOW_START + timedelta(seconds=seconds)
