"""Contact-centre rules: what a lexicon of general sentiment misses in customer messages.

Each rule is a pattern over folded text (lower case, no accents: see `text.fold`) with a
category. Categories, not single rules, carry the weights (`CATEGORY_WEIGHTS`): a new
phrase goes into the category it belongs to and inherits its effect, which keeps the
tables readable and stops one phrase from being tuned against one message.

Patterns are written for the *kind* of thing customers say (every way to threaten to
leave, every body a customer escalates to), not for the messages of our data set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    # Hostile or escalating: these make a message angry.
    THREAT_TO_LEAVE = "threat_to_leave"
    ESCALATION = "escalation"  # ombudsman, regulator, lawyer, court, police, bank dispute
    PUBLIC_SHAMING = "public_shaming"  # social media, reviews, the press, "tell everyone"
    ABUSE = "abuse"  # insults, swearing
    OUTRAGE = "outrage"  # "inadmissible", "scandalous", "a joke", "fed up to the back teeth"
    ULTIMATUM = "ultimatum"  # "you have 48 hours", "last time I write", "I demand"
    SARCASM = "sarcasm"  # "thanks for nothing", "oh great, another...", scare quotes
    SHOUTING = "shouting"  # several words in capitals
    EXCLAMATION = "exclamation"  # "!!!", "?!"
    # Negative without hostility.
    DISSATISFACTION = "dissatisfaction"  # disappointed, unhappy, worried, frustrating
    REPEAT_FAILURE = "repeat_failure"  # still not, third time, nobody answers
    PROBLEM = "problem"  # broken, missing, doesn't work: a fault, weakly negative alone
    # Phrases that look negative to a lexicon but are not ("no problem", "not unhappy").
    REASSURANCE = "reassurance"


@dataclass(frozen=True)
class Weight:
    valence: float  # added to the score on the logit scale (negative = more negative)
    anger: float  # anger points


CATEGORY_WEIGHTS: dict[Category, Weight] = {
    Category.THREAT_TO_LEAVE: Weight(-0.7, 1.2),
    Category.ESCALATION: Weight(-0.7, 1.5),
    Category.PUBLIC_SHAMING: Weight(-0.6, 1.3),
    Category.ABUSE: Weight(-0.9, 1.5),
    Category.OUTRAGE: Weight(-0.9, 1.2),
    Category.ULTIMATUM: Weight(-0.4, 0.8),
    Category.SARCASM: Weight(-0.8, 1.0),
    Category.SHOUTING: Weight(-0.3, 0.9),
    Category.EXCLAMATION: Weight(-0.1, 0.5),
    Category.DISSATISFACTION: Weight(-0.8, 0.0),
    Category.REPEAT_FAILURE: Weight(-0.6, 0.3),
    Category.PROBLEM: Weight(-0.25, 0.0),
    Category.REASSURANCE: Weight(0.6, 0.0),
}

# Leaving is anger only when the rest of the message is unhappy: "je résilie car je
# déménage" is a request, "je résilie, c'est lamentable" a threat.
NEEDS_NEGATIVE_CONTEXT = frozenset({Category.THREAT_TO_LEAVE})

# Words that strengthen a complaint already made ("ne correspond pas du tout").
INTENSIFIERS: dict[str, re.Pattern[str]] = {
    "fr": re.compile(
        r"(?<![\w'])(?:du tout|vraiment|absolument|totalement|completement|tellement|franchement)(?![\w])"
    ),
    "en": re.compile(
        r"(?<![\w'])(?:at all|really|absolutely|totally|completely|so|frankly|honestly)(?![\w])"
    ),
}
INTENSIFIER_VALENCE = -0.25

ANGRY_CATEGORIES = frozenset(
    {
        Category.THREAT_TO_LEAVE,
        Category.ESCALATION,
        Category.PUBLIC_SHAMING,
        Category.ABUSE,
        Category.OUTRAGE,
        Category.ULTIMATUM,
        Category.SARCASM,
        Category.SHOUTING,
        Category.EXCLAMATION,
    }
)


@dataclass(frozen=True)
class Rule:
    category: Category
    pattern: re.Pattern[str]
    # A negation just before the match ("je ne vais pas résilier", "not angry") cancels it.
    negatable: bool = True


def _compile(category: Category, patterns: list[str], *, negatable: bool = True) -> list[Rule]:
    return [Rule(category, re.compile(rf"(?<![\w']){p}(?![\w])"), negatable) for p in patterns]


# --- French ------------------------------------------------------------------------------
_FR_ME = r"(?:je|j'|moi je|on)"
FRENCH: list[Rule] = [
    *_compile(Category.THREAT_TO_LEAVE, [
        rf"{_FR_ME} ?(?:vais|compte|veux|vais (?:finir par|devoir)|m'appr[eê]te a) ?(?:tout )?(?:resilier|partir|quitter|changer d'(?:operateur|fournisseur|banque|assureur|agence)|aller (?:voir )?(?:ailleurs|chez (?:la concurrence|un concurrent|vos concurrents)))",
        r"(?:je|j') ?(?:resilie|change d'(?:operateur|fournisseur|banque|assureur))\w*",
        r"je (?:pars|quitte|m'en vais)(?: \w+)? (?:chez|ailleurs|pour la concurrence)",
        r"(?:je|j') ?(?:cloture|ferme) (?:tous )?mes comptes",
        r"resiliez(?: tout| mon contrat| mes lignes)?",
        r"(?:aller|voir|passer) (?:chez |voir )?(?:la|une) concurrence",
        r"chez (?:un|vos) concurrents?",
        r"vous (?:allez|venez de) perdre (?:un|une) client\w*",
        r"je (?:ne )?resterai pas",
        r"(?:si vous croyez|ne comptez pas) (?:que je vais|sur moi pour) rester",
        r"j'arrete les frais",
        r"(?:je veux|j'exige) (?:la|ma) resiliation",
        r"resilierai",
        r"je vous quitte",
    ]),
    *_compile(Category.ESCALATION, [
        r"(?:le |du |au |un )?mediat(?:eur|rice|ion)",
        r"avocats?", r"huissier", r"tribunal", r"justice", r"juridique(?:ment)?",
        r"(?:porter|deposer|deposerai|porterai) plainte", r"plainte contre",
        r"(?:deposer|adresser|deposerai) (?:une|ma) reclamation (?:aupres|a|au)",
        r"mise en demeure", r"dgccrf", r"ufc", r"que choisir", r"60 millions",
        r"arcep", r"acpr", r"cnil", r"amf", r"association de consommateurs",
        r"commissariat", r"gendarmerie", r"la police",
        r"(?:faire|fais) opposition", r"je bloque les prelevements",
        r"(?:je vous |vous )?signale(?:rai)? (?:a|aupres)",
        r"(?:je )?(?:previens|alerte|saisis|saisirai|contacte) (?:ma banque|mon assureur|mon avocat|le mediateur)",
        r"(?:le )?directeur", r"un responsable", r"superviseur",
    ]),
    *_compile(Category.PUBLIC_SHAMING, [
        r"facebook", r"twitter", r"insta(?:gram)?", r"linkedin", r"tiktok", r"youtube",
        r"trustpilot", r"avis google", r"google avis", r"reseaux sociaux",
        r"avis (?:negatifs?|1 etoile|une etoile)", r"1 etoile", r"une etoile",
        r"(?:la |les )?(?:presse|journaux|journalistes?|medias)(?: locale?s?)?",
        r"les forums", r"(?:mauvaise|une) (?:pub|publicite)(?: d'enfer)?",
        r"pub d'enfer", r"(?:raconter|dire|repeter) (?:ca |tout |cela )?(?:partout|a tout le monde)",
        r"le faire savoir", r"tout publier", r"je publie",
        r"(?:prevenir|avertir) les autres",
    ]),
    *_compile(Category.ABUSE, [
        r"voleurs?", r"escrocs?", r"escroquerie", r"arnaqueurs?", r"menteurs?",
        r"incapables?", r"incompetents?", r"incompetence", r"bande d'\w+", r"guignols?",
        r"clowns?", r"abrutis?", r"idiots?", r"nuls?", r"branquignols?", r"bras casses",
        r"putain", r"merde", r"foutre", r"foutez", r"fout(?:ent)? de", r"bordel",
        r"(?:propos )?injurieux", r"insult\w*", r"(?:propos |ton )?agressifs?",
        r"malhonnete(?:te)?s?", r"amateurs?",
    ]),
    *_compile(Category.OUTRAGE, [
        r"inadmissible", r"inacceptable", r"intolerable", r"scandal\w*", r"honte\w*",
        r"honteu\w*", r"lamentable", r"pitoyable", r"pathetique", r"minable",
        r"ecoeur\w*", r"degout\w*", r"revoltant", r"furieu\w*", r"hors de (?:moi|lui|elle|nous)",
        r"en colere", r"enerve\w*", r"(?:tres |trop )?remonte\w*", r"excede\w*",
        r"ras[- ]le[- ]bol", r"(?:j'en ai|on en a|en a) (?:marre|assez|ras le bol)",
        r"j'en peux plus", r"je n'en peux plus", r"ca suffit", r"trop c'est trop",
        r"n'importe quoi", r"vous vous (?:moquez|fichez|foutez)", r"se moque\w*",
        r"(?:vous )?(?:fichez|moquez) de (?:moi|nous)", r"(?:c'est|est-ce) une (?:blague|plaisanterie)",
        r"arnaques?", r"racket\w*", r"du vol", r"vole\b", r"mepris",
        r"on se fout", r"foutage de gueule", r"c'est un comble",
    ]),
    *_compile(Category.ULTIMATUM, [
        r"(?:je vous laisse|vous avez|sous) (?:\d+|quarante-huit|vingt-quatre|huit|quinze) ?(?:h|heures|jours)",
        r"sous huitaine", r"dans l'heure", r"aujourd'hui meme", r"(?:la )?derniere fois que",
        r"c'est la derniere fois", r"j'exige", r"je veux (?:une reponse|etre rembourse|un dedommagement)",
        r"immediatement", r"sans delai", r"a defaut de", r"point final", r"dernier avertissement",
        r"sinon,? (?:je|j')", r"faute de quoi", r"ou (?:je|j') (?:vais|fais|porte|saisis)",
    ]),
    *_compile(Category.SARCASM, [
        r"merci pour rien", r"merci du (?:cadeau|service)", r"quel (?:beau )?(?:service|accueil|professionnalisme) \w+ ?(?:\.\.\.|…)",
        r"bravo,? (?:vraiment|encore|a vous|pour)", r"vraiment bravo", r"ah (?:genial|super|parfait|bravo|bah bravo)",
        r"encore (?:une fois,? )?merci pour ce", r"comme d'hab(?:itude)?", r"quelle surprise",
        r"vous revez", r"on croit rever", r"chapeau", r"felicitations pour", r"merci (?:beaucoup )?(?:pour|de) (?:rien|ce (?:beau|magnifique))",
        r'service "? ?client ?"', r'" ?(?:incident technique|service client|en cours d\'etude|desole) ?"',
    ], negatable=False),
    *_compile(Category.DISSATISFACTION, [
        r"decu\w*", r"decevant\w*", r"deception", r"mecontent\w*", r"insatisfai\w*",
        r"laisse a desirer", r"dommage", r"regrett\w*", r"avec regret", r"inqui[e]t\w*",
        r"angoiss\w*", r"stress\w*", r"penible", r"agac\w*", r"frustr\w*", r"decourag\w*",
        r"lassant\w*", r"contrari\w*", r"genant\w*", r"tres genant", r"fatigue\w* (?:de|par)",
        r"galere", r"abandonne\w*", r"(?:pas|jamais) (?:ecoute|pris au serieux)",
        r"je me sens", r"surpris\w* (?:de|par)", r"m'attendais a mieux",
        r"pas (?:du tout )?ce que", r"(?:ca|cela) devient (?:complique|difficile|penible)",
        r"difficile", r"du mal a", r"perdu (?:avec|dans)", r"incompr[e]hensible",
        r"injust\w*", r"abusi\w*", r"desole\w* d'insister", r"a bout",
        r"(?:vraie|vrai|une) (?:personne|humain|interlocuteur)", r"malheureusement", r"helas",
    ]),
    *_compile(Category.DISSATISFACTION, [
        r"(?:pas|plus|guere) (?:du tout |vraiment |tres )?(?:satisfait|content|ravi|normal|correct|acceptable|terrible|top|genial|serieux|ideal|pratique|clair|rassur\w+)e?s?",
        r"(?:ne|n') (?:repond|reponde|repondez|traite|regle|resout) (?:pas|jamais|toujours pas)",
        r"je ne comprends (?:pas|plus|rien)", r"pas (?:du tout )?ce que", r"vraiment pas",
    ], negatable=False),
    *_compile(Category.REPEAT_FAILURE, [
        r"toujours (?:pas|rien|aucun\w*|le meme|en attente|sans)", r"encore (?:une fois|un|une|des)\b",
        r"(?:\d+|deux|trois|quatre|cinq|dix) (?:fois (?:que|qu')|relances|appels|rendez-vous|mails|courriers)",
        r"(?:\d+|deux|trois|quatre|cinq|dix)(?:e|eme) (?:fois|relance|appel|courrier|mail)",
        r"(?:appele|ecrit|relance|contacte|demande|essaye|rappele)\w* (?:deja )?(?:\d+|deux|trois|quatre|cinq|dix) fois",
        r"(?:premiere|deuxieme|troisieme|quatrieme|cinquieme|enieme|nieme) (?:fois|relance)",
        r"relanc\w*", r"personne ne (?:repond|rappelle|m'a|semble|sait|prend)", r"personne n'\w+",
        r"aucune? (?:reponse|nouvelle|retour|solution|geste|excuse|message)",
        r"jamais (?:venu|arrive|recu|rappele|de reponse|eu)", r"n'est jamais (?:venu|arrive)",
        r"sans (?:reponse|nouvelles|explication|retour)", r"(?:a chaque|chaque) (?:fois|appel)",
        r"on me renvoie", r"renvoye\w* (?:vers|d'un)", r"repeter",
        r"(?:depuis|ca fait|cela fait) (?:plus d'|maintenant )?(?:\d+|deux|trois|quatre|dix|quinze) (?:jours|semaines|mois)",
        r"(?:depuis|plus d') un mois", r"ce n'est pas la premiere fois",
    ]),
    *_compile(Category.PROBLEM, [
        r"cass[e]\w*", r"abim\w*", r"endommag\w*", r"en panne", r"tombe\w* en panne",
        r"ne (?:fonctionne|marche|passe|s'allume|charge)(?: toujours)? (?:plus|pas)",
        r"plante\w*", r"fui\w*", r"impossible (?:de|d')", r"n'arrive (?:pas|plus|toujours pas)",
        r"ne correspond pas", r"il manque", r"manquant\w*", r"retards?", r"coupures?",
        r"coupe\w*", r"perdu\w*", r"erreur", r"errone\w*", r"double(?:ment)? factur\w*",
        r"preleve\w* deux fois", r"refuse\w*", r"lente?s?", r"bloque\w*", r"pas (?:recu|arrive)",
        r"hausse", r"augment\w*", r"sans chauffage", r"sans (?:ligne|reseau|internet|electricite|telephone)",
        r"plus (?:de |d')(?:reseau|internet|ligne|electricite|telephone|chauffage)",
    ]),
    *_compile(Category.REASSURANCE, [
        r"pas de (?:souci|soucis|probleme|problemes|panique)", r"aucun (?:souci|probleme)",
        r"(?:ce n'est|c'est) pas grave", r"rien de grave", r"ne vous inquietez pas",
        r"rassurez-vous", r"rien (?:ne presse|d'urgent)", r"(?:je )?n'ai pas a me plaindre",
        r"je ne suis pas (?:du tout )?(?:mecontente?|fachee?|en colere|decue?|inquiete?)",
        r"pas mal", r"ca va", r"tout (?:est|va) (?:bien|bon|en ordre)", r"c'est regle",
        r"(?:je ne souhaite|ne souhaite) pas resilier", r"sans frais", r"(?:mauvais|faux) numero",
        r"desole\w* de vous deranger(?: a nouveau| encore)?", r"excusez-moi de vous deranger", r"merci d'avance", r"merci par avance",
        r"(?:je )?n'ai (?:aucun|pas de) (?:probleme|souci)",
    ], negatable=False),
]  # fmt: skip

# --- English -----------------------------------------------------------------------------
_EN_ME = r"(?:i|i'm|i am|i'll|i will|we|we're|we will)"
ENGLISH: list[Rule] = [
    *_compile(Category.THREAT_TO_LEAVE, [
        rf"{_EN_ME} (?:be |am )?(?:going to |gonna )?(?:cancel|cancelling|canceling|leave|leaving|switch|switching|move|moving|close|closing|take|taking) (?:all )?(?:my |our )?(?:business|account|accounts|contract|lines|custom|provider|bank|money)?(?: elsewhere| to (?:a )?competitors?)?",
        r"(?:i'm|i am) (?:off|leaving|done|out)\b", r"i'm done", r"cancel (?:everything|it all)",
        r"(?:switching|changing|moving to (?:a |another )?(?:new )?)(?:provider|supplier|bank|insurer|network)",
        r"(?:to|off to|over to|with) (?:a|the|your|another) competitors?", r"take my business elsewhere",
        r"(?:you've|you have|you just) lost (?:a|me as a) customer", r"if you think i'm staying",
        r"closing all my accounts", r"i want (?:my|the) (?:contract|account|subscription|line) cancell?ed",
        r"or i (?:cancel|leave|go)", r"won't be (?:staying|renewing)",
    ]),
    *_compile(Category.ESCALATION, [
        r"ombudsman", r"(?:financial )?ombudsman service", r"lawyer", r"solicitor", r"attorney",
        r"legal action", r"(?:small claims )?court", r"sue you", r"suing", r"formal notice",
        r"(?:formal|official) complaint", r"(?:file|filing|lodge|lodging|make|making) a complaint",
        r"complaint (?:with|to) (?:the )?\w+", r"report(?:ing)? (?:you|this|the matter) to",
        r"reporting you", r"trading standards", r"citizens advice", r"which\?", r"regulator",
        r"fca", r"ofcom", r"ofgem", r"bbb", r"better business bureau", r"ftc", r"consumer (?:rights|protection)",
        r"chargeback", r"dispute (?:it |the (?:charge|payment) )?with my bank", r"the police",
        r"(?:cancel|cancelling|canceling|stop|stopping) the direct debit",
        r"(?:telling|tell|informed?|told) my (?:bank|insurer|lawyer|solicitor)",
        r"(?:speak|talk) to (?:a|the|your) (?:manager|supervisor|director|boss)", r"the manager",
        r"escalat(?:e|ing) (?:this|to)",
    ]),
    *_compile(Category.PUBLIC_SHAMING, [
        r"facebook", r"twitter", r"instagram", r"insta", r"linkedin", r"tiktok", r"youtube",
        r"trustpilot", r"google reviews?", r"social media", r"(?:bad|negative|one-star|1-star|1 star|one star) reviews?",
        r"leav(?:e|ing) (?:a )?reviews?", r"the (?:local )?(?:press|papers?|news|media)", r"journalists?",
        r"the forums", r"tell (?:everyone|everybody|all my friends|people)", r"make sure (?:people|everyone) knows?",
        r"warn (?:everyone|others|other people)", r"(?:a lot of|lots of|bad) publicity", r"posting (?:it|all of it|this)",
        r"put(?:ting)? (?:it|this|the whole thing) (?:on|online)",
    ]),
    *_compile(Category.ABUSE, [
        r"thie(?:f|ves)", r"crooks?", r"liars?", r"con artists?", r"scammers?", r"fraudsters?",
        r"clowns?", r"idiots?", r"morons?", r"muppets?", r"cowboys?", r"amateurs?", r"incompeten(?:t|ce)",
        r"useless", r"bunch of", r"f\*+\w*", r"fuck\w*", r"shit\w*", r"bloody", r"damn\w*", r"crap",
        r"swore", r"swearing", r"abusive", r"aggressive", r"insult\w*", r"dishonest\w*",
    ]),
    *_compile(Category.OUTRAGE, [
        r"unacceptable", r"outrage\w*", r"disgrace\w*", r"disgust\w*", r"shame on you", r"shameful",
        r"pathetic", r"appalling", r"atrocious", r"furious", r"livid", r"fuming", r"irate",
        r"beside (?:himself|herself|myself)", r"(?:very |really )?angry", r"sick and tired",
        r"enough is enough", r"had enough", r"i've had it", r"(?:a |complete |total |absolute )joke",
        r"is this a joke", r"having a laugh", r"taking the (?:mick|mickey|piss)", r"rip-?off",
        r"(?:daylight )?robbery", r"scam\w*", r"contempt", r"rubbish", r"ridiculous", r"absurd",
        r"insane", r"beyond belief", r"can't take (?:it|this|your \w+) any ?more",
    ]),
    *_compile(Category.ULTIMATUM, [
        r"(?:you have|within|in the next) (?:\d+|twenty-four|forty-eight|seven|eight) (?:hours|days|working days)",
        r"within the hour", r"by (?:tomorrow|tonight|end of (?:the )?day)", r"this is the last time",
        r"last time i", r"i demand", r"i insist", r"final warning", r"immediately", r"right now",
        r"(?<=, )now(?=[.!])", r"or else", r"otherwise,? i", r"unless (?:i|you)", r"either you", r"simple as that",
        r"or i(?:'ll| will)? (?:go|take|do|report|cancel|leave)",
    ]),
    *_compile(Category.SARCASM, [
        r"thanks? (?:a lot |very much )?for nothing", r"thanks a bunch", r"(?:oh|ah|wow),? (?:great|brilliant|wonderful|perfect|fantastic|lovely)",
        r"well done,? (?:really|again|guys|you)", r"really well done", r"yeah,? right", r"as usual",
        r"what a surprise", r"surprise,? surprise", r"dream on", r"what a (?:fantastic|great|wonderful|brilliant) \w+ ?(?:\.\.\.|…)",
        r"(?:once again|again),? thanks? for", r"bravo",
        r'"(?:customer|technical issue|sorry|under review)"', r'(?:thanks|thank you) for this "',
    ], negatable=False),
    *_compile(Category.DISSATISFACTION, [
        r"disappoint\w*", r"let down", r"unhappy", r"dissatisfied", r"unsatisf\w*",
        r"(?:a )?shame", r"regret\w*", r"worr(?:y|ied|ying)", r"anxious", r"stress\w*", r"annoy\w*",
        r"irritat\w*", r"frustrat\w*", r"dishearten\w*", r"wearing", r"tiresome", r"tiring", r"hassle",
        r"struggl\w*", r"embarrass\w*", r"fed up", r"upset", r"abandoned", r"not being (?:listened|heard)",
        r"expected better", r"misses the point", r"i feel", r"lost with", r"confus\w*", r"difficult",
        r"impossible to understand", r"unfair", r"sorry to insist", r"can't afford", r"surprised by",
        r"not (?:what|how) i", r"desperate", r"upsetting", r"poor (?:service|quality)",
        r"(?:a )?real (?:person|human)", r"unfortunately", r"sadly",
    ]),
    *_compile(Category.DISSATISFACTION, [
        r"not (?:at all |really |very )?(?:happy|satisfied|pleased|thrilled|impressed|great|good enough|right|fair|ok|okay|acceptable|ideal|clear|reassur\w+)",
        r"(?:doesn't|does not|didn't|did not|don't|never) (?:answer|address|solve|fix|resolve|deal with)",
        r"i (?:don't|do not|can't|cannot) understand (?:why|how|what)",
    ], negatable=False),
    *_compile(Category.REPEAT_FAILURE, [
        r"still (?:not|no|nothing|hasn't|haven't|hasnt|havent|can't|cant|doesn't|doesnt|waiting|have no|has no)",
        r"(?:once )?again\b", r"yet another", r"for the (?:\w+) time", r"(?:second|third|fourth|fifth|nth|umpteenth) (?:time|reminder|call|attempt)",
        r"(?:called|written|rung|phoned|chased|asked|told|tried|emailed|contacted|wrote|rang)(?: you| them)? (?:\d+|two|three|four|five|ten) times",
        r"(?:\d+|two|three|four|five|ten) times (?:now|already|and)", r"chas(?:e|ed|ing)", r"nobody (?:answers|called|calls|told|seems|knows|has)",
        r"no ?one (?:answers|called|calls|told|seems|knows|has)", r"no (?:answer|reply|response|news|apology|gesture|solution)",
        r"not one (?:proper )?(?:reply|answer|gesture|apology)", r"never (?:turned up|came|showed|arrived|received|called)",
        r"(?:doesn't|does not|didn't|never) show up", r"passed from one", r"sent me (?:back|to)", r"repeat",
        r"(?:for|over) (?:\d+|two|three|four|ten|fifteen) (?:days|weeks|months)", r"(?:over|more than) a (?:week|month)",
        r"it's not the first time", r"every (?:time|call)", r"keep(?:s)? (?:dropping|crashing|happening|being)",
    ]),
    *_compile(Category.PROBLEM, [
        r"broken", r"broke", r"damaged", r"crushed", r"ruined", r"faulty", r"leak\w*", r"crash\w*",
        r"(?:doesn't|does not|don't|won't|isn't|is not|not) work\w*", r"stopped working", r"missing",
        r"lost", r"delay\w*", r"late", r"outages?", r"power cuts?", r"cut off", r"cut my", r"declined",
        r"slow", r"(?:can't|cannot|can not|unable to) (?:log|get|find|pay|access|use)", r"wrong",
        r"error", r"charged twice", r"double bill\w*", r"overcharg\w*", r"price rise", r"went up",
        r"doesn't match", r"without (?:a line|signal|heating|power|internet|broadband|a phone)",
        r"no (?:signal|heating|power|internet|broadband)", r"logged me out", r"hasn't arrived",
    ]),
    *_compile(Category.REASSURANCE, [
        r"no (?:problem|problems|worries|rush|hurry)", r"not a problem", r"don't worry",
        r"nothing (?:urgent|serious)", r"can't complain", r"i have no (?:problem|complaint|issue)",
        r"i'm not (?:at all )?(?:unhappy|annoyed|angry|upset|worried|complaining)",
        r"i am not (?:unhappy|annoyed|angry|upset|worried|complaining)", r"not bad",
        r"all (?:good|sorted|fine|paid|working)", r"thanks in advance", r"thank you in advance",
        r"(?:i )?do not want to cancel", r"(?:without|no) (?:interest|fees|extra charge)",
        r"interest-free", r"free of charge", r"wrong number", r"sorry to (?:bother|trouble) you(?: again)?",
        r"(?:i )?don't want to cancel",
    ], negatable=False),
]  # fmt: skip

RULES: dict[str, list[Rule]] = {"fr": FRENCH, "en": ENGLISH}

# Words a negation just before a match turns around ("je ne vais pas résilier").
NEGATIONS: dict[str, frozenset[str]] = {
    # Not "ne": it always comes with a second word ("pas", "plus", "jamais"...), and when
    # that word is inside the match ("n'est toujours pas arrivé") the match is the negation.
    "fr": frozenset({"pas", "jamais", "aucun", "aucune", "sans", "nullement", "guere"}),
    "en": frozenset({"not", "no", "never", "without", "don't", "dont", "didn't", "won't",
                     "isn't", "wasn't", "aren't", "haven't", "hasn't", "nor", "n't"}),
}  # fmt: skip
# A negation is read within the clause only: up to this many words before the match.
NEGATION_WINDOW = 3
CLAUSE_BREAK = re.compile(r"[.,;:!?\n]|\b(?:mais|sinon|si|but|otherwise|if|or|ou)\b")

# Formulas of politeness carry no opinion; a lexicon scores "cordialement" or "kind
# regards" as positive, which would hide the complaint in the middle of the message.
BOILERPLATE: dict[str, re.Pattern[str]] = {
    "fr": re.compile(
        r"(?<![\w'])(?:bien |tres )?cordialement|bien a (?:vous|toi)|(?:bonne|belle) (?:journee|soiree|continuation)"
        r"|merci (?:d'avance|par avance|de votre (?:retour|comprehension|aide))|salutations\w*"
        r"|je vous (?:prie|remercie)[^.\n]*|dans l'attente[^.\n]*|madame,? monsieur|bonjour|bonsoir"
        r"|merci de me tenir informe\w*|en vous remerciant[^.\n]*"
    ),
    "en": re.compile(
        r"(?<![\w'])(?:kind|best|warm|many)? ?regards|(?:yours )?sincerely|yours faithfully|to whom it may concern"
        r"|dear (?:sir|madam|team|sir or madam)|thanks in advance|thank you in advance|(?:have a )?nice day"
        r"|please keep me (?:posted|informed|updated)|all the best|cheers|hello|hi there|\bhi\b|\bhey\b|good (?:morning|afternoon|evening)"
        r"|look(?:ing)? forward to[^.\n]*"
    ),
}

# Acronyms are written in capitals without shouting.
ACRONYMS = frozenset(
    [
        "rib",
        "iban",
        "bic",
        "sms",
        "pdf",
        "edf",
        "sncf",
        "tv",
        "tva",
        "vat",
        "ttc",
        "ht",
        "sav",
        "cgv",
        "cgu",
        "faq",
        "sepa",
        "url",
        "id",
        "usb",
        "wifi",
        "adsl",
        "vdsl",
        "ftth",
        "dgccrf",
        "ufc",
        "arcep",
        "acpr",
        "cnil",
        "amf",
        "urssaf",
        "caf",
        "rsa",
        "cpam",
        "mms",
        "gps",
        "pin",
        "puk",
        "otp",
        "ok",
        "uk",
        "usa",
        "eu",
        "gb",
        "go",
        "mo",
        "mb",
        "gb",
        "kb",
        "fca",
        "bbb",
        "ftc",
        "ceo",
        "sarl",
        "sas",
        "api",
        "sim",
        "esim",
        "rdv",
        "cb",
        "nb",
        "ps",
        "hs",
        "asap",
        "etc",
        "tel",
        "fibre",
        "ofcom",
        "ofgem",
        "nhs",
        "iphone",
        "ipad",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
