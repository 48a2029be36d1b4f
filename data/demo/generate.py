"""Write the demo marketplace: ``traders.toml`` and ``listings/<trader>.jsonl``.

The committed files are the data; this script is how they were made and how they
are changed. It is deterministic: running it twice gives byte-identical output.

    python data/demo/generate.py            # rewrite the files next to this script
    python data/demo/generate.py --check    # fail if the committed files are stale

Every title and description below was written for this catalogue (none is copied
from a real shop). Quantities, stock, sale prices, dates and image paths are
derived from a seeded RNG per listing id, so editing one listing never reshuffles
the others.

Rows are ``(title, description, price)`` or ``(title, description, price, {overrides})``
inside a ``section(path, categories, rows, **defaults)``; overrides are
``cats``, ``look`` (a look-alike that must not be flagged), ``taxa`` (EU Union-list
species the text names), ``qty`` and ``available``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from classifiers.types import CATEGORIES, risk_for

PP, SE, BU, SO = "plants_for_planting", "seeds", "bulbs_tubers", "soil_growing_media"
LO, FP, WB, PR, NR = (
    "living_organisms",
    "fresh_produce",
    "wood_bark",
    "processed_plant_products",
    "not_regulated",
)

# --------------------------------------------------------------------------- traders

TRADERS: list[dict[str, Any]] = [
    # ---- Shopify
    {
        "key": "bloembollen-vandermeer", "name": "Bloembollen Van der Meer", "platform": "shopify",
        "country": "NL", "region": "Zuid-Holland", "city": "Lisse", "postal_code": "2161 AB",
        "street": "Heereweg 212", "currency": "EUR", "language": "nl", "timezone": "Europe/Amsterdam",
        "domain": "bloembollen-vandermeer.example", "email": "verkoop@bloembollen-vandermeer.example",
        "description": "Familiekwekerij in de Bollenstreek sinds 1962: bloembollen rechtstreeks van het veld naar uw tuin.",
        "ships_to": ["NL", "BE", "DE", "FR", "LU", "AT", "DK"], "sku": "BVM-{n:04d}",
    },
    {
        "key": "hedgerow-and-hive", "name": "Hedgerow & Hive", "platform": "shopify",
        "country": "GB", "region": "Shropshire", "city": "Ludlow", "postal_code": "SY8 1AA",
        "street": "Unit 4, Rocks Green Farm", "currency": "GBP", "language": "en", "timezone": "Europe/London",
        "domain": "hedgerowandhive.example", "email": "orders@hedgerowandhive.example",
        "description": "Bare-root hedging, fruit trees and wildlife-friendly plants grown in the Welsh Marches.",
        "ships_to": ["GB", "IE"], "sku": "HH-{n:03d}-{c}",
    },
    {
        "key": "sonoran-succulents", "name": "Sonoran Succulent Supply", "platform": "shopify",
        "country": "US", "region": "Arizona", "city": "Tucson", "postal_code": "85705",
        "street": "2650 N Oracle Rd", "currency": "USD", "language": "en", "timezone": "America/Phoenix",
        "domain": "sonoransucculents.example", "email": "hello@sonoransucculents.example",
        "description": "Seed-grown cacti and succulents from the Sonoran Desert, shipped bare root.",
        "ships_to": ["US", "CA", "*"], "sku": "SSS{n:05d}",
    },
    {
        "key": "siam-aquaflora", "name": "Siam Aquaflora", "platform": "shopify",
        "country": "TH", "region": "Bangkok", "city": "Bangkok", "postal_code": "10900",
        "street": "88/12 Phahonyothin Rd, Chatuchak", "currency": "USD", "language": "en",
        "timezone": "Asia/Bangkok", "domain": "siam-aquaflora.example", "email": "export@siam-aquaflora.example",
        "description": "Aquarium plants, shrimp and snails from our Bangkok farm, exported worldwide since 2009.",
        "ships_to": ["*"], "sku": "SAF-{c}{n:04d}",
    },
    {
        "key": "saatgut-sonnenwinkel", "name": "Saatgut Sonnenwinkel", "platform": "shopify",
        "country": "DE", "region": "Hessen", "city": "Kassel", "postal_code": "34117",
        "street": "Gartenstraße 17", "currency": "EUR", "language": "de", "timezone": "Europe/Berlin",
        "domain": "saatgut-sonnenwinkel.example", "email": "bestellung@saatgut-sonnenwinkel.example",
        "description": "Samenfestes Bio-Saatgut für Gemüse, Kräuter und Blumen aus Nordhessen.",
        "ships_to": ["DE", "AT", "CH", "LU", "NL", "BE"], "sku": "SW-{n:05d}",
    },
    # ---- WooCommerce
    {
        "key": "cactus-del-sur", "name": "Cactus del Sur", "platform": "woocommerce",
        "country": "ES", "region": "Andalucía", "city": "Almería", "postal_code": "04120",
        "street": "Camino de los Invernaderos 31", "currency": "EUR", "language": "es", "timezone": "Europe/Madrid",
        "domain": "cactusdelsur.example", "email": "pedidos@cactusdelsur.example",
        "description": "Vivero de cactus y suculentas en Almería. Envíos a toda España y Europa.",
        "ships_to": ["ES", "PT", "FR", "DE", "IT", "NL", "BE"], "sku": "CDS-{n:03d}",
    },
    {
        "key": "pepiniere-trois-chenes", "name": "Pépinière des Trois Chênes", "platform": "woocommerce",
        "country": "FR", "region": "Pays de la Loire", "city": "Angers", "postal_code": "49000",
        "street": "Route de Brissac", "currency": "EUR", "language": "fr", "timezone": "Europe/Paris",
        "domain": "pepiniere-troischenes.example", "email": "contact@pepiniere-troischenes.example",
        "description": "Pépiniériste producteur en Anjou : fruitiers, rosiers, haies et arbustes depuis trois générations.",
        "ships_to": ["FR", "BE", "LU", "CH"], "sku": "P3C{n:04d}",
    },
    {
        "key": "vivai-riviera-agrumi", "name": "Vivai Riviera Agrumi", "platform": "woocommerce",
        "country": "IT", "region": "Liguria", "city": "Sanremo", "postal_code": "18038",
        "street": "Strada Solaro 45", "currency": "EUR", "language": "it", "timezone": "Europe/Rome",
        "domain": "vivairivieraagrumi.example", "email": "ordini@vivairivieraagrumi.example",
        "description": "Agrumi, olivi e piante mediterranee coltivati sulla Riviera dei Fiori.",
        "ships_to": ["IT", "FR", "DE", "AT", "CH", "NL", "BE"], "sku": "VRA-{c}-{n:03d}",
    },
    {
        "key": "quinta-das-sementes", "name": "Quinta das Sementes", "platform": "woocommerce",
        "country": "PT", "region": "Braga", "city": "Braga", "postal_code": "4700-030",
        "street": "Rua da Quinta Velha 9", "currency": "EUR", "language": "pt", "timezone": "Europe/Lisbon",
        "domain": "quintadassementes.example", "email": "encomendas@quintadassementes.example",
        "description": "Sementes tradicionais portuguesas, plantas para a horta e produtos da quinta.",
        "ships_to": ["PT", "ES"], "sku": "QS{n:04d}",
    },
    {
        "key": "insektenkiste", "name": "Insektenkiste Terraristik", "platform": "woocommerce",
        "country": "DE", "region": "Sachsen", "city": "Leipzig", "postal_code": "04229",
        "street": "Karl-Heine-Straße 88", "currency": "EUR", "language": "de", "timezone": "Europe/Berlin",
        "domain": "insektenkiste.example", "email": "service@insektenkiste.example",
        "description": "Futtertiere, Nützlinge, Bodenpolizei und Pilzbrut – lebend und frisch aus Leipzig.",
        "ships_to": ["DE", "AT"], "sku": "IK-{n:04d}",
    },
    # ---- plain web shops with schema.org markup, found through their sitemaps
    {
        "key": "vijverplanten-direct", "name": "Vijverplanten Direct", "platform": "sitemap",
        "country": "NL", "region": "Overijssel", "city": "Zwolle", "postal_code": "8017 JL",
        "street": "Ceintuurbaan 140", "currency": "EUR", "language": "nl", "timezone": "Europe/Amsterdam",
        "domain": "vijverplanten-direct.example", "email": "info@vijverplanten-direct.example",
        "description": "Vijverplanten, zuurstofplanten en alles voor de natuurvijver.",
        "ships_to": ["NL", "BE", "DE"], "sku": "VPD{n:05d}", "markup": "json-ld", "shipping_details": True,
    },
    {
        "key": "greenwave-seeds", "name": "Greenwave Seed Export Co.", "platform": "sitemap",
        "country": "CN", "region": "Shandong", "city": "Shouguang", "postal_code": "262700",
        "street": "No. 6 Nongsheng Road", "currency": "USD", "language": "en", "timezone": "Asia/Shanghai",
        "domain": "greenwave-seeds.example", "email": "sales@greenwave-seeds.example",
        "description": "Wholesale and retail seeds, bulbs and tea shipped worldwide from Shandong.",
        "ships_to": ["*"], "sku": "GW{n:06d}", "markup": "microdata", "shipping_details": True,
    },
    {
        "key": "herboristerie-vieux-moulin", "name": "Herboristerie du Vieux Moulin", "platform": "sitemap",
        "country": "FR", "region": "Auvergne-Rhône-Alpes", "city": "Die", "postal_code": "26150",
        "street": "4 rue du Moulin", "currency": "EUR", "language": "fr", "timezone": "Europe/Paris",
        "domain": "herboristerie-vieuxmoulin.example", "email": "bonjour@herboristerie-vieuxmoulin.example",
        "description": "Plantes sèches, tisanes et aromatiques cultivées et cueillies dans la Drôme.",
        "ships_to": ["FR", "BE", "CH", "LU", "DE", "ES", "IT"], "sku": "HVM-{n:03d}", "markup": "json-ld",
        "shipping_details": True,
    },
    {
        "key": "cedar-hollow-fungi", "name": "Cedar Hollow Mushroom & Worm Co.", "platform": "sitemap",
        "country": "US", "region": "Oregon", "city": "Eugene", "postal_code": "97402",
        "street": "1180 W 7th Ave", "currency": "USD", "language": "en", "timezone": "America/Los_Angeles",
        "domain": "cedarhollowfungi.example", "email": "grow@cedarhollowfungi.example",
        "description": "Mushroom spawn, composting worms and growing supplies from the Willamette Valley.",
        "ships_to": ["US"], "sku": "CH-{c}{n:03d}", "markup": "microdata", "shipping_details": False,
    },
    {
        "key": "casa-verde-design", "name": "Casa Verde Design", "platform": "sitemap",
        "country": "IT", "region": "Lombardia", "city": "Milano", "postal_code": "20144",
        "street": "Via Savona 52", "currency": "EUR", "language": "it", "timezone": "Europe/Rome",
        "domain": "casaverdedesign.example", "email": "ciao@casaverdedesign.example",
        "description": "Piante da interno, vasi e oggetti di design per una casa più verde.",
        "ships_to": ["IT", "FR", "DE", "AT", "ES"], "sku": "CVD-{n:04d}", "markup": "json-ld",
        "shipping_details": False,
    },
]


def section(path: str, cats: list[str], rows: list[tuple], **defaults: Any) -> list[dict]:
    out = []
    for row in rows:
        title, desc, price = row[:3]
        extra = dict(defaults)
        if len(row) > 3:
            extra.update(row[3])
        out.append(dict(title=title, description=desc, price=price, path=path,
                        cats=extra.pop("cats", cats), **extra))
    return out


LOOK = {"look": True}

# --------------------------------------------------------------------------- listings
# Each trader writes in its own language.

LISTINGS: dict[str, list[dict]] = {}

LISTINGS["bloembollen-vandermeer"] = [
    *section("Voorjaarsbloeiers > Tulpen", [BU], [
        ("Tulp 'Queen of Night' – 25 bollen",
         "Enkele late tulp in diep kastanjebruin, bijna zwart, met een zijdeachtige glans. Bloeit in mei op stevige stelen van ca. 60 cm. Plantmaat 12/+, plant in oktober–november op 15 cm diepte.", "8.95"),
        ("Tulp 'Ballerina' – 20 bollen",
         "Lelievormige tulp in warm oranje met een zachte geur van sinaasappel. Bloeit eind april tot half mei, hoogte ca. 55 cm. Ook geschikt voor potten op het terras.", "7.50"),
        ("Darwin-hybride tulp 'Apeldoorn' – 50 bollen (voordeelverpakking)",
         "Klassieke rode tulp met grote bloemen die jarenlang terugkomt. Ideaal voor borders en plantsoenen; plantmaat 11/12.", "14.95"),
        ("Gevulde tulp 'Angélique' – 15 bollen",
         "Pioenbloemige tulp in zacht roze met lichtere randen, prachtig als snijbloem. Bloeit in mei, hoogte ca. 45 cm.", "8.25"),
        ("Tulp 'Negrita' – 25 bollen",
         "Triumph-tulp in diep paarspurper, sterk en weerbestendig. Mooi te combineren met witte tulpen of vergeet-mij-nietjes.", "6.95"),
        ("Fosteriana tulp 'Purissima' – 20 bollen",
         "Vroege, roomwitte tulp met grote kelkvormige bloemen. Verwildert goed in de tuin en bloeit al in april.", "7.25"),
        ("Papegaaitulp 'Flaming Parrot' – 10 bollen",
         "Gekrulde, gevederde bloembladeren in geel met rode vlammen. Een opvallende snijbloem die in de vaas nog verder opengaat.", "6.50"),
        ("Viridiflora tulp 'Spring Green' – 20 bollen",
         "Ivoorwitte bloemen met een groene veer op elk bloemblad. Elegant en lang bloeiend, hoogte ca. 50 cm.", "7.95"),
    ]),
    *section("Voorjaarsbloeiers > Narcissen", [BU], [
        ("Narcis 'Tête-à-Tête' – 40 bollen",
         "Rijkbloeiend geel miniatuurnarcisje van slechts 15–20 cm hoog. Perfect voor potten, rotstuinen en het gazon; bloeit al in maart.", "9.95"),
        ("Narcis 'Thalia' – 15 bollen",
         "Sierlijke witte trosnarcis met twee tot drie geurende bloemen per stengel. Bloeit in april, hoogte ca. 35 cm.", "6.75"),
        ("Trompetnarcis 'Dutch Master' – 25 bollen (maat 14/16)",
         "De klassieke gele paasnarcis met grote trompet. Stevige bollen van topmaat, direct uit onze velden in de Bollenstreek.", "8.50"),
    ]),
    *section("Voorjaarsbloeiers > Overige bolgewassen", [BU], [
        ("Krokus 'Pickwick' – 50 knollen",
         "Grootbloemige krokus met wit-lila gestreepte bloemen. Plant ze in het gazon voor een vroege voorjaarsweide; bijen zijn er dol op.", "6.95"),
        ("Krokus tommasinianus 'Ruby Giant' – 100 knollen",
         "Botanische krokus in paarsviolet die zich vanzelf uitzaait en verwildert. Bloeit in februari–maart.", "11.50"),
        ("Sierui Allium 'Purple Sensation' – 10 bollen",
         "Paarse bolvormige bloemschermen van ca. 10 cm op stelen van 80 cm. Bloeit in mei–juni en trekt veel vlinders aan.", "5.95"),
        ("Allium christophii (sterrenkogel) – 5 bollen",
         "Enorme zilverpaarse bolbloemen tot 20 cm doorsnede. Ook gedroogd nog heel decoratief.", "6.25"),
        ("Hyacint 'Delft Blue' – 10 bollen",
         "Porseleinblauwe, sterk geurende hyacint. Geschikt voor de tuin én om binnen op glas te trekken.", "7.95"),
        ("Blauwe druifjes (Muscari armeniacum) – 100 bollen",
         "Kobaltblauwe bloemtrosjes die prachtig staan langs paden en onder struiken. Zeer winterhard en ieder jaar meer.", "8.95"),
        ("Keizerskroon Fritillaria imperialis 'Rubra' – 3 bollen",
         "Statig bolgewas met oranjerode bloemkransen op 90 cm. Plant de bollen schuin om rot te voorkomen; zou woelmuizen op afstand houden.", "9.75"),
        ("Kievitsbloem (Fritillaria meleagris) – 25 bollen",
         "Inheems bolgewas met geblokte, knikkende klokjes in paars en wit. Houdt van een vochtige, zonnige plek.", "6.50"),
        ("Bloembollenmix 'Bijenweide' – 120 bollen",
         "Een zorgvuldig samengestelde mix van krokussen, blauwe druifjes, sneeuwroem en botanische tulpen voor bestuivers van februari tot mei.", "19.95"),
    ]),
    *section("Zomerbloeiers > Dahlia's & knollen", [BU], [
        ("Dahlia 'Café au Lait' – 1 knol",
         "Enorme decoratieve dahlia in crème en zachtroze, tot 25 cm doorsnede. Plant de knol na de laatste nachtvorst, half mei.", "4.95"),
        ("Dahlia 'Bishop of Llandaff' – 3 knollen",
         "Scharlakenrode enkele bloemen boven donker, bijna zwart blad. Bloeit van juli tot de eerste vorst.", "8.95"),
        ("Dahlia 'Karma Choc' – 2 knollen",
         "Fluweelzacht chocoladebruine dahlia met lange houdbaarheid in de vaas. Hoogte ca. 100 cm.", "7.95"),
        ("Gladiolen mix 'Zomerboeket' – 30 knollen",
         "Kleurrijke mix van grootbloemige gladiolen voor de snijtuin. Plant vanaf april in groepjes, iedere twee weken een nieuwe rij voor een lange pluk.", "9.50"),
        ("Anemoon coronaria 'De Caen' mix – 40 knolletjes",
         "Papaverachtige anemonen in rood, blauw en wit. Week de knolletjes een paar uur in lauw water voor het planten.", "5.95"),
    ]),
    *section("Zomerbloeiers > Lelies", [BU], [
        ("Lelie 'Stargazer' – 5 bollen",
         "Oriental lelie met sterk geurende roze bloemen met donkere spikkels. Geschikt voor borders en grote potten.", "8.50"),
        ("Koningslelie (Lilium regale) – 3 bollen",
         "Witte trompetbloemen met een gele keel en een bedwelmende avondgeur. Winterhard en makkelijk.", "6.95"),
    ]),
    *section("Binnen > Amaryllis", [BU], [
        ("Amaryllis 'Red Lion' – XXL bol maat 34/36",
         "Topbol met twee tot drie bloemstelen en vier grote rode bloemen per steel. Pot op in de herfst en hij bloeit rond de feestdagen.", "12.95"),
        ("Amaryllis 'Apple Blossom' in pot, met knop",
         "Voorgetrokken amaryllis in een 14 cm kwekerspot, bloeit binnen enkele weken in zachtroze en wit.", "14.95",
         {"cats": [BU, PP]}),
    ]),
    *section("Moestuin > Pootgoed", [BU], [
        ("Pootaardappelen 'Bintje' – 2,5 kg",
         "Voorgekiemde pootaardappelen, klasse A, maat 28/35. Voor een ruime oogst van de bekendste Nederlandse aardappel.", "6.95"),
    ]),
    *section("Potgrond & toebehoren", [SO], [
        ("Bloembollengrond 40 liter",
         "Luchtige, kalkrijke potgrond met extra zand voor een goede afwatering. Speciaal gemengd voor bollen in potten en bakken.", "7.95"),
    ]),
    *section("Potgrond & toebehoren", [NR], [
        ("Bollenplanter met diepte-aanduiding",
         "Roestvrijstalen bollenplanter met schaalverdeling tot 15 cm en houten handvat. Maakt in één beweging een plantgat voor tulpen en narcissen.", "12.95", LOOK),
        ("Plantmanden voor bloembollen, set van 3 (rond, 26 cm)",
         "Kunststof manden waarin u bollen plant en na de bloei eenvoudig weer uitgraaft. Beschermt tegen woelmuizen; bollen niet inbegrepen.", "4.95", LOOK),
        ("Hyacintenglas, set van 2 (gerecycled glas)",
         "Traditioneel forceerglas om een hyacintbol op water te laten bloeien. Bollen niet inbegrepen.", "9.95", LOOK),
    ]),
    *section("Cadeaus", [NR], [
        ("Zijden tulpen boeket 'Real Touch', 9 stelen",
         "Kunsttulpen in wit en roze die niet van echt te onderscheiden zijn. Geen water nodig, blijft jarenlang mooi.", "24.95", LOOK),
        ("Poster 'Tulpen van Holland', A2",
         "Botanische illustratie van twaalf historische tulpenrassen, gedrukt op 200 grams mat papier. Geleverd in koker, zonder lijst.", "14.50", LOOK),
        ("Houten tulpen, handbeschilderd – bos van 10",
         "Decoratieve tulpen van lindehout, beschilderd in vrolijke kleuren. Een blijvend souvenir uit de Bollenstreek.", "17.95", LOOK),
        ("Boek: 'Bollen in pot, het hele jaar door'",
         "Praktisch handboek met de lasagnemethode, plantschema's en 40 combinaties voor balkon en terras. 160 pagina's, paperback.", "19.99", LOOK),
        ("Cadeaubon € 25",
         "Digitale cadeaubon, binnen een uur per e-mail verstuurd en twee jaar geldig in onze webwinkel.", "25.00"),
    ]),
]

LISTINGS["hedgerow-and-hive"] = [
    *section("Hedging > Bare-root", [PP], [
        ("Hawthorn (Crataegus monogyna) bare-root hedging, 40–60cm — pack of 25",
         "Native quickthorn whips, lifted fresh from our Shropshire fields during the dormant season. Plant 5 per metre in a double staggered row for a stock-proof hedge. Dispatched November to March.", "22.00"),
        ("Common Beech (Fagus sylvatica) bare-root, 60–80cm — bundle of 10",
         "Two-year transplants with a good fibrous root. Beech holds its copper leaves through winter, giving year-round screening.", "18.50"),
        ("Blackthorn (Prunus spinosa) whips 40–60cm — pack of 25",
         "Thorny native shrub with white blossom in March and sloes in autumn. Excellent for wildlife hedges and nesting birds.", "24.00"),
        ("Native Mixed Wildlife Hedge Pack — 50 plants",
         "Hawthorn, blackthorn, hazel, field maple, dog rose and guelder rose in one pack, enough for roughly 10 metres. Each plant is labelled; spiral guards available on request.", "59.00"),
        ("Hornbeam (Carpinus betulus) 1+1 transplants, 40–60cm — pack of 25",
         "Tolerates heavy clay better than beech and clips beautifully into a formal hedge.", "21.00"),
        ("English Oak (Quercus robur) whip 60–90cm, bare-root",
         "Grown from acorns collected in the Teme valley. Supplied with a cane and guard if ordered with our tree protection pack.", "3.95"),
    ]),
    *section("Fruit Trees", [PP], [
        ("Apple 'Egremont Russet' — bare-root maiden on M26",
         "Nutty, golden russet apple ready to pick in late September. M26 rootstock gives a tree of around 2.5–3m, ideal for a medium garden.", "27.50"),
        ("Pear 'Conference' — 2-year bush tree on Quince A, 12L pot",
         "Reliable, partially self-fertile pear that crops heavily from October. Supplied in leaf.", "34.95"),
        ("Plum 'Victoria' on St Julien A — bare-root",
         "Britain's favourite plum, self-fertile with heavy crops of juicy red-flushed fruit in late August.", "29.50"),
        ("Cherry 'Stella' on Gisela 5 — 7.5L pot",
         "Self-fertile sweet cherry on a dwarfing rootstock, happy in a large patio container.", "39.00"),
        ("Fig 'Brown Turkey' — 3L pot, 60cm",
         "Hardy fig that will crop outdoors against a sunny wall. Restrict the roots for the best fruit.", "19.95"),
        ("Olive Tree (Olea europaea) half standard, 1.2m — 20L pot",
         "Mediterranean olive with a clear stem and bushy head, grown on in Italy and hardened off here. Needs a sheltered, sunny spot and free-draining compost.", "79.00"),
    ]),
    *section("Soft Fruit", [PP], [
        ("Raspberry 'Glen Ample' canes — pack of 5",
         "Spine-free summer raspberry with large, well-flavoured berries. Certified stock, supplied bare-root.", "12.50"),
        ("Blackcurrant 'Ben Sarek' — 2L pot",
         "Compact bush ideal for small gardens, with heavy crops of large currants in July.", "9.95"),
        ("Strawberry 'Cambridge Favourite' runners — pack of 10",
         "Fresh-dug runners of the classic mid-season strawberry. Plant 45cm apart in well-manured ground.", "8.95"),
    ]),
    *section("Perennials", [PP], [
        ("Lavender 'Hidcote' — 9cm pots, tray of 6",
         "Compact English lavender with deep violet spikes, perfect for edging paths. Grown peat-free on our nursery.", "17.50"),
        ("Echinacea purpurea 'Magnus' — 2L pot",
         "Purple coneflower with large rosy-purple petals from July to September. Loved by bees and butterflies.", "8.50"),
        ("Salvia nemorosa 'Caradonna' — 1L pot",
         "Dark violet flower spikes on near-black stems. Cut back after the first flush for a second show.", "6.95"),
        ("Hardy Geranium 'Rozanne' — 2L pot",
         "Flowers non-stop from June until the frosts. Ground-covering and very forgiving.", "9.50"),
    ]),
    *section("Kitchen Garden", [BU], [
        ("Seed Potatoes 'Charlotte' — 2kg net",
         "Salad potato with waxy, creamy flesh. Chit in a light, frost-free place from February and plant out in April.", "6.49"),
    ]),
    *section("Kitchen Garden", [FP], [
        ("Bramley Apples — 5kg box",
         "Cooking apples picked from our own orchard, perfect for crumbles and sauce. Available from October while stocks last.", "8.50"),
    ]),
    *section("Compost & Mulch", [SO], [
        ("Peat-free Multipurpose Compost — 50L",
         "Made from composted bark, wood fibre and coir. Suitable for sowing, potting on and containers.", "8.99"),
        ("John Innes No. 2 Loam-based Compost — 25L",
         "Sterilised loam with sand and peat-free organic matter, for potting on young shrubs and vegetables.", "7.49"),
    ]),
    *section("Compost & Mulch", [WB], [
        ("Composted Bark Mulch — 70L bag",
         "Screened softwood bark, 10–40mm, composted to suppress weeds and retain moisture. Spread 5–7cm deep around shrubs.", "9.99"),
    ]),
    *section("Firewood", [WB], [
        ("Seasoned Hardwood Logs — 0.5m³ crate (oak, ash & beech)",
         "Logs cut to 25cm and air-dried for two summers to below 20% moisture. Local delivery within 25 miles of Ludlow.", "115.00"),
        ("Kiln-dried Kindling — 10kg net",
         "Split softwood kindling, kiln-dried so it lights first time.", "6.50"),
    ]),
    *section("Wildlife & Garden Helpers", [LO], [
        ("Slug Nematodes — treats 40m²",
         "Phasmarhabditis hermaphrodita nematodes in a clay carrier; mix with water and apply to moist soil above 5°C. Use within two weeks of arrival.", "12.95"),
        ("Wormery Starter Pack — 500g live tiger worms",
         "Around 1,000 composting worms (Eisenia fetida) in bedding, ready to add to a new wormery. Dispatched Monday to Wednesday only.", "19.95"),
        ("Ladybird Larvae (Adalia bipunctata) — 25 pack",
         "Native two-spot ladybird larvae for aphid control in greenhouses and on roses. Release in the evening onto infested plants.", "16.50"),
        ("Red Mason Bee Cocoons — 30 with release box",
         "Osmia bicornis cocoons from our own nest tubes, for pollinating fruit trees in spring. Place the release box near blossom in late March.", "24.00"),
    ]),
    *section("Gifts", [SE], [
        ("Wildflower Seed Paper Greeting Card",
         "Hand-made recycled paper embedded with native wildflower seeds (poppy, cornflower, ox-eye daisy). Plant the card after reading and keep it moist.", "3.50"),
    ]),
    *section("Gifts", [NR], [
        ("Wildflower Honey — 340g jar",
         "Soft-set honey from our hives beside the hawthorn hedges. Raw and unfiltered.", "7.95", LOOK),
        ("'Seed Round' A5 Dotted Notebook",
         "A notebook for plans, sketches and the next big idea — 120 pages of 100gsm dotted paper with a linen cover. No seeds inside, just room to grow.", "9.00", LOOK),
        ("Book: The Native Hedge — Planting, Laying & Wildlife",
         "Our favourite guide to choosing, planting and laying a native hedge, with seasonal wildlife notes. Paperback, 208 pages.", "16.99", LOOK),
        ("Beeswax Pillar Candle",
         "Hand-poured from our own wax with a cotton wick; burns for around 40 hours.", "12.00"),
        ("Gift Voucher — £20",
         "Printed voucher in a recycled card envelope, valid for two years online and at the nursery.", "20.00"),
    ]),
    *section("Tools", [NR], [
        ("Border Spade, stainless steel with ash handle",
         "Narrow-bladed spade for planting bare-root hedging in tight spots. FSC ash shaft, ten-year guarantee.", "39.95", LOOK),
        ("Hessian Root-ball Sacks — pack of 10",
         "Natural jute sacks, 60 × 90cm, for lifting and moving shrubs. Reusable.", "8.50", LOOK),
        ("Galvanised Watering Can — 9L",
         "Traditional long-reach can with a brass rose, ideal for watering in new plants.", "34.00", LOOK),
    ]),
]

LISTINGS["sonoran-succulents"] = [
    *section("Cacti", [PP], [
        ('Golden Barrel Cactus (Echinocactus grusonii) — 4" pot',
         "Nursery-grown golden barrel with bright yellow spines, about 3\" across. Ships bare root, wrapped in paper, to reduce weight and soil transfer.", "14.99"),
        ('Fishhook Barrel (Ferocactus wislizeni) — 6" pot',
         "Seed-grown Arizona native with hooked red spines. Full sun, very little water in winter.", "24.99"),
        ('Ladyfinger Cactus (Mammillaria elongata) — 3.5" pot',
         "Clustering cactus with golden spines and creamy flowers in spring. A great beginner plant for a sunny windowsill.", "9.99"),
        ('Star Cactus (Astrophytum asterias) — seedling, 1.5"',
         "Spineless 'sand dollar' cactus grown from seed in our greenhouse, never wild-collected. CITES Appendix II listed — domestic US shipping only.", "12.50"),
        ("Bunny Ears (Opuntia microdasys) — unrooted pad cutting",
         "Fresh-cut pad, callused and ready to root in dry gritty mix. The glochids are tiny but irritating — handle with gloves.", "6.99"),
        ('San Pedro (Trichocereus pachanoi) — 12" cutting',
         "Healthy column cut from a mature garden plant and allowed to callus for two weeks. Sold for ornamental use only.", "29.00"),
        ("Saguaro (Carnegiea gigantea) Seedlings — pack of 3",
         "Slow-growing three-year-old seedlings, about 1.5\" tall, grown from seed right here in Tucson.", "19.99"),
    ]),
    *section("Succulents", [PP], [
        ('Echeveria \'Lola\' — 2" pot',
         "Pastel lilac rosette with a powdery farina. Keep out of hard afternoon sun in summer.", "5.99"),
        ('Zebra Haworthia (Haworthiopsis fasciata) — 3.5" pot',
         "White-striped rosettes that tolerate lower light than most succulents.", "7.99"),
        ("Living Stones (Lithops) Mixed — 10 seedlings",
         "Ten assorted Lithops species and colour forms, two years from seed. Water only in autumn when they are actively growing.", "24.99"),
        ("Aloe Vera Pups — pack of 5, bare root",
         "Healthy offsets divided from our mother plants. Pot into a gritty cactus mix and water sparingly.", "15.00"),
        ("Parry's Agave (Agave parryi) — 1 gallon",
         "Cold-hardy agave with blue-grey leaves and dark terminal spines. Takes frost to around -20°F when kept dry.", "22.00"),
        ('Jade Plant (Crassula ovata) — 6" pot',
         "Thick-stemmed jade, about 10\" tall, already shaped like a little tree.", "18.00"),
        ("Succulent Cuttings Box — 20 assorted",
         "Twenty fresh cuttings of Graptopetalum, Sedum, Echeveria and Crassula, no duplicates. Great for wedding favors and propagation projects.", "21.99"),
    ]),
    *section("Seeds", [SE], [
        ("Mixed Cactus Seeds — 100 count",
         "A blend of Mammillaria, Gymnocalycium, Notocactus and Echinopsis seed from our own plants. Sow on the surface of a fine mix under a humidity dome.", "6.50"),
        ("Saguaro Seeds — approx. 200",
         "Fresh seed from this summer's fruit. Expect slow but steady growth; keep seedlings shaded for the first year.", "5.99"),
        ("Common Milkweed (Asclepias syriaca) Seeds — 200 count",
         "Host plant for monarch butterflies; cold-stratify for 30 days before sowing. Spreads by rhizomes — give it room.", "4.99",
         {"taxa": ["Asclepias syriaca"]}),
        ("Butterfly Weed (Asclepias tuberosa) Seeds — 100 count",
         "Bright orange, drought-tolerant native milkweed that stays put in the border.", "4.99"),
    ]),
    *section("Soil & Amendments", [SO], [
        ("Gritty Mix for Cacti & Succulents — 1 gallon bag",
         "Our own blend of pine bark fines, calcined clay and crushed granite for fast drainage. Pre-moistened and screened.", "12.99"),
        ('Pumice 1/4" — 5 lb',
         "Screened Oregon pumice to lighten any potting mix, or use it straight for rooting cuttings.", "11.50"),
    ]),
    *section("Pantry", [FP], [
        ("Prickly Pear Fruit (Tunas) — 2 lb box",
         "Ruby-red Opuntia fruit picked ripe in late summer. Spines removed, but handle with tongs just in case.", "14.00"),
        ("Fresh Nopales Pads — 3 lb",
         "Tender young cactus paddles for grilling or salads, cleaned of spines and shipped in an insulated box.", "12.00"),
    ]),
    *section("Pantry", [PR], [
        ("Prickly Pear Syrup — 12 oz",
         "Made in small batches from prickly pear juice and cane sugar. Pour over pancakes or shake into a margarita.", "11.99", LOOK),
        ("Blue Agave Nectar — 23.5 oz",
         "Organic light agave syrup, a mild sweetener for coffee and baking.", "8.99", LOOK),
    ]),
    *section("Decor", [WB], [
        ('Cholla Wood Skeleton — 6" pieces, pack of 5',
         "Dried, hollow cholla wood, perfect for shrimp and reptile tanks. Boil before use.", "9.99"),
    ]),
    *section("Pots & Supplies", [NR], [
        ("Artificial Succulent Arrangement in Concrete Bowl",
         "Twelve faux echeverias and sedums hand-arranged in a 7\" cement bowl. Zero watering, zero guilt.", "32.00", LOOK),
        ('Terracotta Pot with Drainage Hole — 6"',
         "Classic unglazed clay pot that wicks moisture away from cactus roots. Saucer sold separately.", "6.50", LOOK),
        ("Full-Spectrum LED Grow Light — 45W, clamp mount",
         "Three flexible goosenecks and a built-in timer for overwintering succulents indoors.", "39.99", LOOK),
        ("72-Cell Seed Starting Tray with Humidity Dome (no seeds)",
         "Reusable heavy-duty tray for starting cactus and succulent seed. Seeds sold separately.", "14.99", LOOK),
        ("Decorative Top Dressing — Desert Rose Gravel, 2 lb",
         "Crushed pink granite to finish potted cacti; keeps the stem base dry and looks tidy.", "7.99", LOOK),
        ("Cactus Handling Tongs & Gloves Set",
         "Foam-lined tongs and puncture-resistant gloves for repotting spiny plants.", "18.50", LOOK),
    ]),
    *section("Gifts", [NR], [
        ("Saguaro Sunset — Giclée Art Print, 11×14",
         "Archival pigment print of a saguaro stand at dusk, signed by the artist. Frame not included.", "28.00", LOOK),
        ('Cactus Plush Toy with Pot — 10"',
         "Soft, cuddly and completely spine-free. Surface wash only.", "15.99", LOOK),
    ]),
]

LISTINGS["siam-aquaflora"] = [
    *section("Aquarium Plants > Epiphytes", [PP], [
        ("Anubias barteri var. nana on Driftwood — M size",
         "Compact Anubias tied onto a 10–15 cm piece of natural driftwood. Shipped wet in a sealed bag, with a heat pack in winter.", "14.90",
         {"cats": [PP, WB]}),
        ("Bucephalandra 'Brownie Red' — rhizome, 3–5 leaves",
         "Farm-propagated Buce with deep red new growth. Attach to rock or wood; do not bury the rhizome.", "8.50"),
        ("Java Fern (Microsorum pteropus) 'Windelov' — 10 cm clump",
         "Lace-tipped Java fern that thrives in low light and soft or hard water.", "6.50"),
        ("Java Moss (Taxiphyllum barbieri) — 50 g portion",
         "Clean, snail-free moss for carpets, walls and shrimp tanks.", "4.50"),
        ("Marimo Moss Balls (Aegagropila linnaei) — 3 cm, pack of 3",
         "Velvety green algae balls, farm-raised and inspected before packing. Roll them gently now and then so they keep their shape.", "7.50"),
    ]),
    *section("Aquarium Plants > Rosette & Stem", [PP], [
        ("Cryptocoryne wendtii 'Brown' — potted, 5 cm basket",
         "Hardy low-light crypt grown emersed in rock wool. Remove the pot and wool before planting.", "4.20"),
        ("Vallisneria spiralis — bunch of 10 runners",
         "Fast background plant that spreads by runners and helps keep algae in check.", "5.90"),
        ("Amazon Sword (Echinodorus grisebachii 'Bleherae') — XL",
         "Large mother plant with 15+ leaves, a classic centrepiece for tanks over 100 litres.", "7.80"),
        ("Rotala rotundifolia — bunch of 8 stems",
         "Pinkish stem plant that turns red under strong light. Shipped as fresh cuttings.", "3.90"),
        ("Carolina Fanwort (Cabomba caroliniana) — bunch of 6",
         "Feathery bright-green stem plant for the background. Grows fast under medium light; trim and replant the tops.", "3.90",
         {"taxa": ["Cabomba caroliniana"]}),
        ("Parrot's Feather (Myriophyllum aquaticum) — 5 stems",
         "Soft blue-green whorls that grow up and out of the water in open-top tanks and ponds.", "4.90",
         {"taxa": ["Myriophyllum aquaticum"]}),
        ("Water Primrose (Ludwigia grandiflora) — 5 stems",
         "Yellow-flowered marginal for the edges of ponds and paludariums.", "4.90",
         {"taxa": ["Ludwigia grandiflora"]}),
        ("Alligator Weed (Alternanthera philoxeroides) — 5 stems",
         "Red-stemmed emersed plant for riparium setups; roots easily from every node.", "4.50",
         {"taxa": ["Alternanthera philoxeroides"]}),
    ]),
    *section("Aquarium Plants > Tissue Culture", [PP], [
        ("Dwarf Hairgrass (Eleocharis acicularis) — tissue culture cup",
         "Lab-grown in sterile gel, free of snails and algae. Rinse off the gel before planting.", "5.50"),
        ("Monte Carlo (Micranthemum tweediei) — tissue culture cup",
         "Bright green carpeting plant that does not need CO2 to spread. Pest-free lab culture.", "5.50"),
    ]),
    *section("Aquarium Plants > Floating", [PP], [
        ("Water Lettuce (Pistia stratiotes) — 6 plants",
         "Floating rosettes with long feathery roots that fry and shrimp love to hide in. Keep the lid open a little so the leaves do not burn under the light.", "6.90",
         {"taxa": ["Pistia stratiotes"]}),
        ("Water Hyacinth (Pontederia crassipes) — 3 plants",
         "Floating pond plant with lilac flower spikes in summer and a natural nitrate remover. Medium size, 10–15 cm.", "7.90",
         {"taxa": ["Eichhornia crassipes"]}),
        ("Giant Salvinia (Salvinia molesta) — 10 portions",
         "Fuzzy floating fern that shades the surface and outcompetes algae.", "4.90",
         {"taxa": ["Salvinia molesta"]}),
    ]),
    *section("Livestock", [LO], [
        ("Red Cherry Shrimp (Neocaridina davidi) — 10 pcs, grade A",
         "Bright red shrimp bred in our outdoor tanks. Shipped in breathable bags; live arrival guaranteed.", "15.00"),
        ("Zebra Nerite Snails (Neritina natalensis) — 5 pcs",
         "Algae-eating snails that will not breed in fresh water. About 1.5–2 cm.", "9.50"),
        ("Red Ramshorn Snails (Planorbella duryi) — 10 pcs",
         "Cheerful red snails that clean up leftover food and dead leaves.", "6.00"),
        ("Malaysian Trumpet Snails (Melanoides tuberculata) — 20 pcs",
         "Burrowing snails that keep the substrate loose. They breed readily.", "5.50"),
        ("Red Swamp Crayfish (Procambarus clarkii) — juvenile, 3–4 cm",
         "Bright red juvenile crayfish for species tanks. Keep the tank tightly covered — they are expert escape artists.", "8.90",
         {"taxa": ["Procambarus clarkii"]}),
    ]),
    *section("Substrate & Hardscape", [SO], [
        ("Aqua Soil Planted Substrate — 9 L bag",
         "Nutrient-rich volcanic soil granules, 2–3 mm, that lower pH and feed root plants for months.", "24.00"),
    ]),
    *section("Substrate & Hardscape", [WB], [
        ("Spiderwood Driftwood — 30–40 cm piece",
         "Natural branching root wood, cleaned and pre-soaked. Every piece is unique; the picture shows an example.", "12.50"),
    ]),
    *section("Water Care", [PR], [
        ("Indian Almond Leaves (Catappa) — 10 large leaves",
         "Sun-dried Terminalia catappa leaves that release tannins and tint the water. Popular with betta and shrimp keepers.", "4.50", LOOK),
    ]),
    *section("Equipment", [NR], [
        ("Artificial Aquarium Plant Set — 12 pcs silk & plastic",
         "Lifelike fake plants in three heights with weighted bases. No trimming, no melting, no fertiliser.", "11.90", LOOK),
        ("LED Aquarium Light 60 cm — full spectrum, for planted tanks",
         "Slim aluminium fixture with sunrise and sunset timer, bright enough for carpeting plants.", "34.90", LOOK),
        ("CO2 Diffuser with Bubble Counter — glass",
         "Fine-mist diffuser for planted aquariums. Suction cups included.", "9.90", LOOK),
        ("Stainless Steel Planting Tweezers 27 cm",
         "Straight tweezers for placing stem plants and tissue culture portions.", "6.90", LOOK),
        ("Lead-free Plant Weights — 10 strips",
         "Soft metal strips for anchoring stem plants to the substrate.", "2.50", LOOK),
        ("Root Tabs for Aquarium Plants — 40 tablets",
         "Slow-release fertiliser capsules to push into the gravel beneath swords and crypts.", "7.50", LOOK),
        ("Spirulina Fish Food Flakes — 100 g",
         "Daily flake food with 20% spirulina for guppies, tetras and shrimp.", "5.90"),
    ]),
]

LISTINGS["saatgut-sonnenwinkel"] = [
    *section("Saatgut > Gemüse", [SE], [
        ("Tomate 'Ochsenherz' – Bio-Saatgut, ca. 20 Korn",
         "Samenfeste Fleischtomate mit herzförmigen Früchten bis 500 g. Vorkultur ab Mitte März bei 20–24 °C, Auspflanzen nach den Eisheiligen.", "3.20"),
        ("Cocktailtomate 'Black Cherry' – ca. 15 Korn",
         "Dunkelrote, fast schwarze Kirschtomaten mit würzig-süßem Aroma. Robust und sehr ertragreich, auch im Kübel.", "3.50"),
        ("Tomate 'Berner Rose' – ca. 20 Korn",
         "Alte Schweizer Sorte mit zartrosa, dünnhäutigen Früchten und feinem Geschmack.", "3.20"),
        ("Paprika 'California Wonder' – 30 Korn",
         "Dickwandige Blockpaprika, die von grün nach rot abreift. Braucht einen warmen, geschützten Platz.", "2.80"),
        ("Chili 'Habanero Orange' – 10 Korn",
         "Sehr scharf (bis 350.000 Scoville) mit fruchtigem Aroma. Die Keimung bei 25 °C kann bis zu drei Wochen dauern.", "3.90"),
        ("Salatgurke 'Marketmore' – 12 Korn",
         "Bitterfreie Freilandgurke mit dunkelgrünen, 20 cm langen Früchten.", "2.90"),
        ("Zucchini 'Black Beauty' – 8 Korn",
         "Buschige Zucchini mit glänzend dunkelgrünen Früchten, ernten Sie sie am besten bei 20 cm.", "2.60"),
        ("Möhre 'Nantaise 2' – Bio, ca. 1.000 Korn",
         "Süße, zylindrische Möhre ohne Herz, für Frühjahrs- und Sommeraussaat.", "2.40"),
        ("Radieschen 'Cherry Belle' – 5 g",
         "Runde, knackige Radieschen, erntereif nach nur vier Wochen. Folgesaaten alle zwei Wochen von März bis September.", "1.90"),
        ("Pflücksalat 'Forellenschluss' – ca. 500 Korn",
         "Alte österreichische Sorte mit rot gesprenkelten Blättern, schossfest und zart.", "2.50"),
        ("Buschbohne 'Marona' – 50 g",
         "Fadenlose grüne Bohne, die ohne Stangen auskommt. Aussaat ab Mitte Mai direkt ins Beet.", "3.20"),
        ("Markerbse 'Kelvedon Wonder' – 100 g",
         "Frühe, niedrige Erbse mit süßen Körnern, ideal zum Frischverzehr und Einfrieren.", "3.40"),
        ("Mangold 'Bright Lights' – 3 g",
         "Bunte Stiele in Gelb, Pink, Orange und Weiß – ein Blickfang im Beet und in der Küche.", "2.70"),
        ("Kürbis 'Uchiki Kuri' (Hokkaido) – 8 Korn",
         "Orangefarbener Speisekürbis, dessen Schale mitgegessen werden kann. Lagerfähig bis Februar.", "2.90"),
        ("Saatband Möhren 'Rodelika' – 5 m",
         "Samen bereits im richtigen Abstand ins Papierband eingebettet – kein Vereinzeln mehr nötig.", "2.90"),
    ]),
    *section("Saatgut > Kräuter & Blumen", [SE], [
        ("Basilikum 'Genoveser' – ca. 400 Korn",
         "Das klassische großblättrige Basilikum für Pesto. Lichtkeimer, nur andrücken.", "2.20"),
        ("Petersilie 'Mooskrause 2' – 5 g",
         "Stark gekrauste, dunkelgrüne Petersilie. Keimt langsam – Geduld lohnt sich.", "1.80"),
        ("Ringelblume 'Neon' – 2 g",
         "Leuchtend orangefarbene, gefüllte Blüten, essbar und beliebt bei Insekten.", "2.10"),
        ("Sonnenblume 'Russischer Riese' – 25 Korn",
         "Bis 3 m hohe Sonnenblume mit tellergroßen Blüten und essbaren Kernen.", "2.30"),
        ("Wildblumenmischung 'Bienenweide' – 100 g für 50 m²",
         "Regionale Mischung aus 42 heimischen Wildblumen und Kräutern, ohne Gräser. Aussaat von März bis Mai oder im September.", "9.90"),
        ("Samenbomben 'Schmetterlingswiese' – 10 Stück",
         "Handgerollte Kugeln aus Tonerde, Kompost und Wildblumensamen. Einfach auf eine offene Fläche werfen und den Regen abwarten.", "7.90",
         {"cats": [SE, SO]}),
    ]),
    *section("Pflanzgut", [BU], [
        ("Pflanzkartoffeln 'Linda' – 2,5 kg",
         "Festkochende, gelbfleischige Kartoffel mit feinem Geschmack. Zertifiziertes Pflanzgut, Sortierung 28/35.", "7.90"),
        ("Steckzwiebeln 'Stuttgarter Riesen' – 500 g",
         "Bewährte gelbe Haushaltszwiebel, lagerfähig bis ins Frühjahr. Stecken von März bis April.", "2.90"),
        ("Knoblauch-Pflanzzehen 'Thermidrome' – 250 g",
         "Winterknoblauch zum Stecken im Oktober. Große, aromatische Knollen zur Ernte im Juli.", "6.50"),
    ]),
    *section("Anzucht", [SO], [
        ("Anzuchterde torffrei – 10 L",
         "Feinkrümelige, nährstoffarme Erde aus Kokosfasern, Holzfasern und Kompost. Ideal für Aussaaten und Stecklinge.", "5.90"),
        ("Kokos-Quelltabletten – 50 Stück",
         "Gepresste Kokosfasern, die sich in Wasser auf das Siebenfache ausdehnen. Saatkorn hinein, fertig.", "6.50"),
    ]),
    *section("Anzucht", [NR], [
        ("Anzuchtschale mit Haube, 24 Töpfe (ohne Saatgut)",
         "Mini-Gewächshaus aus recyceltem Kunststoff mit Lüftungsschiebern. Saatgut und Erde sind nicht im Lieferumfang.", "9.90", LOOK),
        ("Pflanzenlampe LED Vollspektrum, 2 × 18 W",
         "Schwenkbare Lampe mit Zeitschaltuhr für kräftige Jungpflanzen auf der Fensterbank.", "29.90", LOOK),
        ("Samentütchen aus Kraftpapier, leer – 50 Stück",
         "Zum Aufbewahren und Verschenken selbst geernteter Samen. Mit Beschriftungsfeld, 7 × 11 cm.", "4.90", LOOK),
        ("Holz-Pflanzstecker, 25 Stück",
         "Unbehandelte Etiketten aus Buchenholz zum Beschriften mit Bleistift.", "3.90", LOOK),
        ("Saatgut-Aufbewahrungsbox aus Holz",
         "Sortierbox mit sechs Fächern und Register für Samentüten aller gängigen Größen.", "24.90", LOOK),
    ]),
    *section("Tee & Kräuter", [PR], [
        ("Pfefferminztee, getrocknet – 50 g",
         "Ganze Blätter aus eigenem Anbau, schonend bei 35 °C getrocknet. Für einen kräftigen, klaren Tee.", "4.50", LOOK),
        ("Kamillenblüten, getrocknet – 40 g",
         "Handverlesene Blütenköpfchen der Echten Kamille aus unserem Kräutergarten.", "4.20", LOOK),
    ]),
    *section("Bücher & Geschenke", [NR], [
        ("Buch: „Saatgut selbst gewinnen“",
         "Schritt für Schritt zum eigenen Saatgut von 80 Gemüse- und Kräuterarten. 224 Seiten, gebunden.", "22.00", LOOK),
        ("Geschenkgutschein 20 €",
         "Gutschein zum Ausdrucken, drei Jahre gültig.", "20.00"),
    ]),
]

LISTINGS["cactus-del-sur"] = [
    *section("Cactus > Globulares", [PP], [
        ("Echinopsis subdenudata – maceta 8,5 cm",
         "Cactus globular casi sin espinas que da flores blancas enormes y perfumadas al anochecer. Muy fácil de cultivar en interior luminoso.", "6.50"),
        ("Gymnocalycium mihanovichii 'Hibotan' injertado – colores surtidos",
         "El clásico cactus luna injertado sobre Hylocereus, en rojo, naranja, amarillo o rosa. El color se elige al azar.", "4.95"),
        ("Mammillaria spinosissima 'Un Pico' – maceta 10,5 cm",
         "Espinas blancas con una punta roja que le da su nombre. Florece en corona en primavera.", "9.90"),
        ("Ferocactus latispinus (lengua de diablo) – maceta 12 cm",
         "Espinas centrales anchas y rojizas, muy decorativas. Pleno sol y riego escaso en invierno.", "14.50"),
        ("Lote de 5 cactus variados – maceta 5,5 cm",
         "Cinco cactus pequeños diferentes, ideales para composiciones y centros de mesa. Se envían sin maceta, envueltos en papel.", "12.90"),
    ]),
    *section("Cactus > Columnares y opuntias", [PP], [
        ("Pala de nopal (Opuntia ficus-indica) para enraizar",
         "Pala fresca de unos 25 cm, cortada y cicatrizada durante una semana. Plántela de pie en sustrato seco y no riegue hasta que emita raíces.", "5.00"),
        ("Cereus peruvianus 'Monstruoso' – 25 cm",
         "Forma monstruosa con costillas irregulares, una escultura viva para el salón.", "18.00"),
    ]),
    *section("Suculentas", [PP], [
        ("Euphorbia trigona 'Rubra' – maceta 14 cm, 45 cm de alto",
         "Suculenta columnar con hojas rojizas. Su látex es irritante: use guantes al manipularla.", "16.90"),
        ("Kalanchoe daigremontiana – 10 hijuelos",
         "Plántulas de la 'madre de miles' listas para plantar. Se multiplica con enorme facilidad.", "3.50"),
        ("Agave americana 'Marginata' – maceta 17 cm",
         "Agave de hojas azuladas con margen amarillo. Resiste la sequía y heladas ligeras.", "19.50"),
        ("Esquejes de uña de gato (Carpobrotus edulis) – 10 unidades",
         "Esquejes de 15 cm para taludes soleados. Crece muy rápido y cubre el suelo en una temporada.", "6.00"),
        ("Mezcla de sedum – 12 esquejes variados",
         "Doce variedades de Sedum para tejados verdes, rocallas y jardineras.", "7.50"),
        ("Haworthiopsis attenuata – maceta 8,5 cm",
         "Pequeña suculenta rayada que tolera poca luz, perfecta para escritorios.", "4.50"),
        ("Aloe arborescens – hijuelo enraizado",
         "Aloe de flores naranjas en invierno, muy resistente en la costa mediterránea.", "5.50"),
    ]),
    *section("Semillas", [SE], [
        ("Semillas de Astrophytum (mezcla de especies) – 20 semillas",
         "Mezcla de A. myriostigma, A. ornatum y A. capricorne de nuestras plantas madre. Siembra en primavera con calor de fondo.", "3.90"),
        ("Semillas de chumbera (Opuntia ficus-indica) – 30 semillas",
         "Semillas limpias de higo chumbo. Escarificar ligeramente antes de sembrar.", "2.50"),
        ("Semillas de cactus mezcla 'Desierto de Sonora' – 50 semillas",
         "Variedad de especies de cactus globulares y columnares. Germinación en 2–4 semanas.", "3.50"),
    ]),
    *section("Sustratos", [SO], [
        ("Sustrato para cactus y suculentas – 5 L",
         "Mezcla drenante con turba rubia, arena de río y pómice. Lista para usar.", "5.90"),
        ("Akadama grano medio – 14 L",
         "Arcilla volcánica japonesa para bonsáis y cactus; retiene agua sin encharcar.", "21.00"),
        ("Pómice 3–6 mm – 5 L",
         "Piedra pómez lavada para aligerar cualquier sustrato o usar como acolchado.", "8.50"),
    ]),
    *section("Despensa", [FP], [
        ("Higos chumbos frescos – caja 1 kg",
         "Recolectados a mano en nuestra finca de Almería, ya sin púas. Envío en 24–48 h, solo península.", "6.90"),
    ]),
    *section("Despensa", [PR], [
        ("Mermelada de higo chumbo – 250 g",
         "Elaborada artesanalmente con fruta de nuestra finca y azúcar de caña.", "4.50", LOOK),
    ]),
    *section("Accesorios", [NR], [
        ("Cactus artificial en maceta de cerámica – 30 cm",
         "Réplica realista de un cactus columnar, sin mantenimiento. Ideal para oficinas con poca luz.", "19.90", LOOK),
        ("Maceta de barro cocido 12 cm con plato",
         "Maceta tradicional de barro que transpira y evita el exceso de humedad en las raíces.", "3.20", LOOK),
        ("Cactus de ganchillo hecho a mano",
         "Pequeño cactus tejido en algodón con macetita de terracota. Cada pieza es única.", "12.00", LOOK),
        ("Guantes anticactus de nitrilo reforzado",
         "Protegen de espinas y gloquidios al trasplantar.", "7.90", LOOK),
        ("Pinzas de acero para trasplantar cactus – 30 cm",
         "Pinzas largas con punta de goma para sujetar cactus sin dañarlos.", "6.50", LOOK),
        ("Lámina botánica 'Cactáceas de México' – A3",
         "Reproducción de una lámina antigua impresa en papel de algodón.", "15.00", LOOK),
        ("Vela con forma de cactus – cera de soja",
         "Vela decorativa hecha a mano, aroma a higo. Tiempo de combustión: 20 horas.", "8.90", LOOK),
        ("Libro: 'Cactus y suculentas, guía de cultivo'",
         "Guía práctica con más de 300 especies, riego, sustratos y plagas. 192 páginas.", "18.95", LOOK),
    ]),
]

LISTINGS["pepiniere-trois-chenes"] = [
    *section("Arbres fruitiers", [PP], [
        ("Pommier 'Reine des Reinettes' – scion d'un an, racines nues",
         "Variété ancienne à la chair croquante et parfumée, récolte en septembre. Porte-greffe MM106, plantation de novembre à mars.", "19.90"),
        ("Poirier 'Williams' – demi-tige, conteneur 10 L",
         "Poire juteuse et fondante, récolte fin août. Prévoir un pollinisateur à proximité.", "39.00"),
        ("Cerisier 'Burlat' – scion, racines nues",
         "La cerise précoce par excellence, rouge foncé et sucrée, dès la fin mai.", "22.50"),
        ("Abricotier 'Bergeron' – gobelet 2 ans, conteneur 15 L",
         "Abricot tardif, ferme et sucré, qui résiste bien aux gelées de printemps.", "45.00"),
        ("Pêcher 'Reine des Vergers' – conteneur 10 L",
         "Pêche à chair blanche, rustique et productive, récolte mi-août.", "32.00"),
        ("Figuier 'Violette de Bordeaux' – pot 4 L",
         "Petites figues noires très sucrées, deux récoltes par an sous climat doux.", "24.90"),
        ("Vigne de table 'Chasselas doré' – pot 2 L",
         "Raisin blanc doré et sucré, récolte fin août. Plant greffé sur porte-greffe SO4.", "12.50"),
        ("Olivier 'Aglandau' – 1,50 m, conteneur 30 L",
         "Olivier provençal rustique jusqu'à –12 °C, tronc formé. Livré avec son passeport phytosanitaire.", "89.00"),
    ]),
    *section("Rosiers", [PP], [
        ("Rosier grimpant 'Pierre de Ronsard' – conteneur 4 L",
         "Grosses fleurs romantiques crème bordées de rose, remontantes. Idéal sur arche ou façade.", "21.90"),
        ("Rosier liane 'Ghislaine de Féligonde' – racines nues",
         "Petites roses abricot pâlissant au blanc, presque sans épines.", "15.50"),
    ]),
    *section("Haies & arbustes", [PP], [
        ("Laurier-palme (Prunus laurocerasus 'Rotundifolia') 60/80 cm – lot de 10",
         "Haie persistante à croissance rapide, à planter à 80 cm d'écart.", "79.00"),
        ("Photinia × fraseri 'Red Robin' – pot 3 L",
         "Jeunes pousses rouge vif au printemps, supporte bien la taille.", "12.90"),
        ("Charme commun (Carpinus betulus) 40/60 cm – botte de 25, racines nues",
         "Pour haie champêtre ou charmille taillée ; garde ses feuilles sèches en hiver.", "37.50"),
        ("Buis (Buxus sempervirens) – boule Ø 30 cm",
         "Boule taillée en pépinière, surveillée contre la pyrale du buis.", "34.00"),
        ("Herbe de la pampa (Cortaderia selloana) – pot 3 L",
         "Grande graminée aux plumeaux argentés en fin d'été.", "14.90"),
        ("Gunnera tinctoria (rhubarbe du Chili) – pot 3 L",
         "Feuilles géantes et spectaculaires pour berges et jardins humides.", "29.00",
         {"taxa": ["Gunnera tinctoria"]}),
        ("Lavande 'Grosso' – godet 9 cm, lot de 12",
         "Lavandin très parfumé aux longs épis violets, idéal en bordure.", "29.90"),
    ]),
    *section("Potager", [SE], [
        ("Graines de jachère fleurie 'Mellifère' – 250 g",
         "Mélange de phacélie, bleuet, coquelicot et trèfle incarnat pour 100 m². Semis d'avril à juin.", "12.90"),
    ]),
    *section("Potager", [BU], [
        ("Caïeux d'ail rose à planter – 500 g",
         "Ail rose de printemps à planter de janvier à mars, excellent en conservation.", "8.90"),
    ]),
    *section("Potager", [FP], [
        ("Châtaignes fraîches d'Anjou – 2 kg",
         "Ramassées dans nos vergers en octobre, à griller ou à cuisiner.", "9.50"),
        ("Pommes 'Reinette grise du Canada' – cagette 5 kg",
         "Pommes à la peau rugueuse et au goût acidulé, parfaites pour les tartes.", "11.00"),
    ]),
    *section("Terreaux & paillages", [SO], [
        ("Terreau universel – 50 L",
         "Terreau riche en compost végétal pour plantations et rempotages.", "9.90"),
        ("Terre de bruyère – 40 L",
         "Substrat acide pour azalées, rhododendrons, hortensias bleus et camélias.", "11.50"),
    ]),
    *section("Terreaux & paillages", [WB], [
        ("Paillage écorces de pin maritime 10/25 – 50 L",
         "Écorces des Landes calibrées qui limitent les mauvaises herbes et gardent la fraîcheur.", "10.90"),
        ("BRF (bois raméal fragmenté) – big bag 1 m³",
         "Broyat de jeunes rameaux de feuillus pour nourrir et protéger le sol.", "45.00"),
    ]),
    *section("Bois de chauffage", [WB], [
        ("Bois de chauffage chêne sec, 33 cm – 1 stère",
         "Chêne fendu et séché sous abri pendant deux ans, humidité inférieure à 20 %. Livraison dans un rayon de 30 km autour d'Angers.", "95.00"),
    ]),
    *section("Accessoires", [NR], [
        ("Olivier artificiel 150 cm en pot",
         "Feuillage en polyester traité anti-UV sur tronc naturel. Aucun entretien.", "129.00", LOOK),
        ("Cache-pot en zinc vieilli Ø 30 cm",
         "Cache-pot décoratif pour plantes d'intérieur, sans trou de drainage.", "24.00", LOOK),
        ("Sécateur de précision à lames forgées",
         "Coupe franche jusqu'à 20 mm, lames remplaçables.", "39.90", LOOK),
        ("Voile d'hivernage 30 g/m² – 2 × 10 m",
         "Protège vos plantes du gel jusqu'à –4 °C tout en laissant passer l'air et la lumière.", "9.90", LOOK),
        ("Livre « Tailler ses arbres fruitiers »",
         "Toutes les tailles expliquées pas à pas, avec 250 illustrations.", "16.90", LOOK),
        ("Jardinière en terre cuite 60 cm",
         "Jardinière traditionnelle ingélive, fabriquée en France.", "29.00", LOOK),
        ("Carte cadeau 50 €",
         "Valable un an à la pépinière et sur notre boutique en ligne.", "50.00"),
    ]),
]

LISTINGS["vivai-riviera-agrumi"] = [
    *section("Agrumi", [PP], [
        ("Limone 'Femminello' – vaso Ø 20 cm, h 80 cm",
         "Limone rifiorente siciliano innestato su arancio amaro, con frutti già allegati. Ideale per terrazzi soleggiati; ritirare sotto i –3 °C.", "34.90"),
        ("Limone 'Quattro Stagioni' – vaso Ø 24 cm",
         "Fiorisce e fruttifica più volte all'anno, perfetto per chi vuole limoni sempre a portata di mano.", "42.00"),
        ("Arancio 'Tarocco' – alberello, vaso Ø 26 cm",
         "Arancia rossa a polpa pigmentata, dolce e succosa. Pianta di tre anni con chioma già formata.", "49.00"),
        ("Mandarino 'Tardivo di Ciaculli' – vaso Ø 22 cm",
         "Mandarino siciliano a maturazione tardiva, profumatissimo.", "39.00"),
        ("Kumquat 'Nagami' – cespuglio, vaso Ø 18 cm",
         "Piccoli frutti ovali da mangiare con tutta la buccia. Perfetto anche in vaso sul balcone.", "24.50"),
        ("Cedro 'Diamante' – vaso Ø 26 cm",
         "Il cedro della Riviera dei Cedri, dalla scorza spessa e aromatica.", "54.00"),
        ("Bergamotto 'Fantastico' – vaso Ø 22 cm",
         "Agrume calabrese dal profumo inconfondibile, usato in profumeria e nel tè Earl Grey.", "44.00"),
        ("Chinotto di Savona – alberello a palla, vaso Ø 30 cm",
         "Presidio ligure dal fogliame fitto e piccolo, splendido anche come pianta ornamentale.", "79.00"),
        ("Lime 'Tahiti' (Citrus latifolia) – vaso Ø 20 cm",
         "Lime senza semi, succoso e aromatico, per cocktail e cucina.", "32.00"),
        ("Calamondino variegato – vaso Ø 14 cm",
         "Piccolo agrume ornamentale con foglie screziate e frutti arancioni.", "16.90"),
    ]),
    *section("Piante mediterranee", [PP], [
        ("Olivo 'Leccino' – 2 anni, vaso Ø 18 cm",
         "Varietà toscana rustica e produttiva, tollerante al freddo. Piante certificate con passaporto delle piante UE.", "14.90"),
        ("Olivo 'Taggiasca' – pianta adulta, vaso Ø 40 cm",
         "La cultivar ligure per eccellenza, pianta di oltre dieci anni con tronco già formato.", "129.00"),
        ("Oleandro (Nerium oleander) doppio rosa – vaso Ø 20 cm",
         "Fioritura abbondante da maggio a ottobre, resiste a siccità e salsedine.", "19.90"),
        ("Polygala myrtifolia – vaso Ø 18 cm",
         "Arbusto sempreverde con fiori viola quasi tutto l'anno, ideale per giardini sul mare.", "15.90"),
        ("Rosmarino prostrato – vaso Ø 14 cm",
         "Rosmarino ricadente per muretti e vasi sospesi, fiori azzurri in inverno.", "6.90"),
    ]),
    *section("Sementi", [SE], [
        ("Semi di basilico 'Genovese' – 5 g",
         "Basilico a foglia larga e profumata, per il pesto come da tradizione ligure.", "2.50"),
        ("Semi di pomodoro 'San Marzano 2' – 1 g",
         "Pomodoro allungato da salsa, polpa densa e pochi semi.", "2.20"),
    ]),
    *section("Frutta fresca", [FP], [
        ("Limoni della Costiera non trattati con foglia – 3 kg",
         "Limoni a buccia edibile raccolti a mano e spediti con le loro foglie, come da tradizione.", "14.90"),
        ("Arance 'Tarocco' di Sicilia – cassetta 10 kg",
         "Arance rosse succose, raccolte su ordinazione e spedite in 48 ore.", "22.00"),
        ("Bergamotti freschi di Calabria – 2 kg",
         "Frutti freschi per canditi, liquori e profumazioni casalinghe.", "12.50"),
    ]),
    *section("Terricci", [SO], [
        ("Terriccio per agrumi – 20 L",
         "Substrato leggermente acido con pomice e lapillo, per un drenaggio ottimale in vaso.", "9.50"),
    ]),
    *section("Dispensa", [PR], [
        ("Scorze d'arancia essiccate – 100 g",
         "Scorze di arance biologiche essiccate al sole, per tisane e dolci.", "5.90", LOOK),
        ("Origano secco di Sicilia a rametti – 50 g",
         "Origano selvatico raccolto a mano e seccato all'ombra in mazzetti.", "4.50", LOOK),
        ("Marmellata di chinotto – 220 g",
         "Preparata con chinotti dei nostri vivai, gusto amarognolo e agrumato.", "6.50", LOOK),
    ]),
    *section("Accessori", [NR], [
        ("Limone artificiale in vaso – 90 cm",
         "Alberello finto con frutti e foglie in tessuto, effetto realistico. Nessuna manutenzione.", "69.00", LOOK),
        ("Vaso in terracotta dell'Impruneta Ø 40 cm",
         "Vaso ingelivo fatto a mano con il tradizionale decoro a festoni.", "89.00", LOOK),
        ("Concime liquido per agrumi – 1 L",
         "Con ferro e microelementi contro l'ingiallimento delle foglie.", "8.90", LOOK),
        ("Diffusore per ambienti 'Zagara' – 200 ml",
         "Bastoncini in rattan e fragranza di fiori d'arancio.", "19.00", LOOK),
        ("Libro: 'Agrumi in vaso'",
         "Guida alla coltivazione di limoni, aranci e kumquat sul terrazzo. 128 pagine.", "14.50", LOOK),
        ("Forbici da potatura per agrumi",
         "Lame curve in acciaio inox per raccogliere e potare senza danneggiare i rami.", "17.90", LOOK),
    ]),
]

LISTINGS["quinta-das-sementes"] = [
    *section("Sementes > Hortícolas", [SE], [
        ("Sementes de couve-galega – 5 g",
         "Couve tradicional para o caldo verde, muito rústica. Semear de fevereiro a setembro.", "1.95"),
        ("Sementes de couve-tronchuda – 5 g",
         "Couve de folhas largas e tenras, indispensável na consoada.", "1.95"),
        ("Sementes de tomate 'Coração de Boi' – 0,5 g",
         "Tomate grande e carnudo, ideal para saladas. Sementeira em alfobre a partir de fevereiro.", "2.20"),
        ("Sementes de pimento 'Padrón' – 0,5 g",
         "Pimentos pequenos para fritar, a maioria suaves… e um ou outro picante.", "2.40"),
        ("Sementes de feijão-frade – 100 g",
         "Feijão de olho preto, muito produtivo em terrenos quentes.", "2.80"),
        ("Sementes de abóbora-menina – 10 sementes",
         "Abóbora de polpa laranja para doces e sopas, conserva-se todo o inverno.", "2.50"),
        ("Sementes de alface 'Maravilha de Verão' – 2 g",
         "Alface resistente ao calor, de folhas crocantes avermelhadas.", "1.80"),
        ("Sementes de coentros – 10 g",
         "Coentros de folha larga, indispensáveis na cozinha portuguesa. Semear em local fresco para evitar que espigue.", "1.90"),
        ("Sementes de milho-doce 'Golden Bantam' – 25 g",
         "Milho doce amarelo de polinização livre, para comer cozido ou assado.", "2.60"),
    ]),
    *section("Sementes > Flores e árvores", [SE], [
        ("Sementes de girassol gigante – 20 sementes",
         "Girassóis com mais de 2,5 m e sementes comestíveis.", "1.90"),
        ("Sementes de mimosa (Acacia dealbata) – 20 sementes",
         "Árvore de crescimento rápido com flores amarelas perfumadas em fevereiro.", "2.50"),
    ]),
    *section("Batata-semente e bolbos", [BU], [
        ("Batata-semente 'Kennebec' certificada – 5 kg",
         "Batata de casca clara e polpa branca, ótima para fritar. Calibre 35/55.", "8.90"),
        ("Alho roxo para plantar – 250 g",
         "Dentes de alho roxo nacional, plantar de outubro a dezembro.", "4.50"),
    ]),
    *section("Plantas", [PP], [
        ("Tabuleiro de alface – 12 plantas prontas a plantar",
         "Plantas de alface com raiz em torrão, prontas para o canteiro.", "3.50"),
        ("Morangueiro 'Albion' – vaso 9 cm, pack de 6",
         "Morangueiro remontante que produz da primavera ao outono.", "9.90"),
        ("Medronheiro (Arbutus unedo) – vaso 2 L",
         "Arbusto autóctone de frutos vermelhos no outono, resistente à seca.", "11.50"),
        ("Sobreiro (Quercus suber) – 1 ano, alvéolo florestal",
         "Planta certificada de proveniência nacional para reflorestação.", "2.90"),
    ]),
    *section("Vida no solo", [LO], [
        ("Minhocas californianas (Eisenia fetida) – 1000 unidades",
         "Minhocas vermelhas para vermicompostagem doméstica, enviadas com substrato húmido. Envios só de segunda a quarta-feira.", "24.00"),
        ("Micélio de cogumelo-pleuroto em grão – 1 kg",
         "Semente de cogumelo em grão de trigo, pronta a inocular palha pasteurizada. Guardar no frigorífico até 4 semanas.", "12.90"),
    ]),
    *section("Cortiça e madeira", [WB], [
        ("Cortiça virgem para terrários – peça 30–40 cm",
         "Casca natural de sobreiro, ideal como esconderijo para répteis ou suporte de orquídeas e tilândsias.", "9.50"),
        ("Lenha de azinho seca – saco 20 kg",
         "Lenha de azinheira rachada e seca ao ar, de combustão lenta.", "9.00"),
        ("Casca de pinheiro para cobertura – 50 L",
         "Casca de pinheiro-bravo calibrada para canteiros e vasos.", "8.50"),
    ]),
    *section("Substratos", [SO], [
        ("Substrato universal – 50 L",
         "Substrato com turfa e composto vegetal para vasos e hortas.", "7.90"),
        ("Húmus de minhoca – 5 kg",
         "Vermicomposto peneirado da nossa quinta, rico em matéria orgânica. Pode conter casulos de minhoca.", "6.50"),
    ]),
    *section("Produtos da quinta", [FP], [
        ("Batata-doce de Aljezur IGP – 3 kg",
         "Batata-doce de polpa amarela, doce e aveludada, colhida nos solos arenosos da Costa Vicentina.", "7.50"),
        ("Castanhas portuguesas – 2 kg",
         "Castanhas da variedade Longal, frescas da colheita de outubro.", "7.90"),
    ]),
    *section("Produtos da quinta", [PR], [
        ("Chá de cidreira seco – 30 g",
         "Folhas de erva-cidreira secas à sombra, para infusões calmantes.", "3.20", LOOK),
        ("Figos secos do Algarve – 500 g",
         "Figos secos ao sol, tradicionais e sem aditivos.", "6.90", LOOK),
        ("Vaso de cortiça natural – Ø 14 cm",
         "Vaso feito de aglomerado de cortiça, leve e isolante. Para plantas de interior.", "14.90", LOOK),
    ]),
    *section("Acessórios", [NR], [
        ("Tabuleiro de sementeira com 40 alvéolos (sem sementes)",
         "Tabuleiro reutilizável de plástico rígido para produzir as suas plantas.", "3.90", LOOK),
        ("Regador de zinco – 5 L",
         "Regador clássico com crivo removível.", "22.00", LOOK),
        ("Livro: 'A horta biológica em casa'",
         "Do planeamento à colheita, com calendário de sementeiras para Portugal. 176 páginas.", "17.50", LOOK),
        ("Caderno 'Sementes de ideias' – A5 pontilhado",
         "Caderno com capa de cortiça e 96 folhas pontilhadas para planos, listas e ideias. Não contém sementes.", "8.50", LOOK),
    ]),
]

LISTINGS["insektenkiste"] = [
    *section("Futtertiere", [LO], [
        ("Heimchen (Acheta domesticus), mittel – Dose mit ca. 50 Stück",
         "Lebende Futterinsekten, ca. 1,2 cm, in der belüfteten Dose mit Eierkarton und Futter. Versand nur Montag bis Mittwoch.", "2.90"),
        ("Steppengrillen (Gryllus assimilis), subadult – Dose ca. 40 Stück",
         "Leise Grillenart, die kaum zirpt – angenehm für die Wohnung.", "3.10"),
        ("Wanderheuschrecken (Locusta migratoria), subadult – 20 Stück",
         "Eiweißreiches Futter für große Echsen. Mit frischem Gras füttern.", "5.90"),
        ("Argentinische Waldschaben (Blaptica dubia), mittel – 50 Stück",
         "Ruhige, nicht kletternde Schaben als Futter für Bartagamen und Co. Nicht flugfähig.", "6.90"),
        ("Mehlwürmer lebend – 500 g",
         "Frische Larven des Mehlkäfers, kühl bei 8–12 °C lagern.", "7.50"),
        ("Zophobas (Zophobas morio) lebend – 100 Stück",
         "Große Schwarzkäferlarven, nicht im Kühlschrank lagern.", "5.50"),
        ("Wachsmaden (Galleria mellonella) – Dose 50 g",
         "Fette Maden als Leckerbissen für Geckos und Vögel. Bei 15–18 °C lagern.", "3.50"),
        ("Fruchtfliegen-Zuchtansatz (Drosophila hydei), flugunfähig",
         "Fertiger Ansatz mit Nährboden, liefert etwa vier Wochen lang Futter für Pfeilgiftfrösche.", "4.90"),
    ]),
    *section("Bodenpolizei", [LO], [
        ("Asseln Porcellio scaber 'Orange' – 10 Tiere",
         "Robuste Landasseln in leuchtendem Orange, ideal als Bodenpolizei im Terrarium.", "8.90"),
        ("Asseln Armadillidium vulgare 'Magic Potion' – 10 Tiere",
         "Rollasseln mit orange-schwarz gesprenkeltem Panzer, ruhig und leicht zu halten.", "14.90"),
        ("Zwergasseln (Trichorhina tomentosa) – Zuchtansatz ca. 30 Tiere",
         "Winzige weiße Asseln für tropische Terrarien, vermehren sich parthenogenetisch.", "7.90"),
        ("Springschwänze (Folsomia candida) – Zuchtansatz in Substrat",
         "Dichte Kultur in Kokossubstrat, beseitigt Schimmel und dient als Jungtierfutter.", "6.50",
         {"cats": [LO, SO]}),
        ("Große Achatschnecke (Lissachatina fulica) – Jungtiere, 3 Stück",
         "Nachzuchten aus eigener Haltung, ca. 2 cm. Kein Versand in Länder außerhalb der EU.", "9.00"),
    ]),
    *section("Aquaristik", [LO], [
        ("Marmorkrebs (Procambarus virginalis) – 3 Jungtiere",
         "Pflegeleichte Flusskrebse aus eigener Nachzucht, ca. 2 cm.", "7.50",
         {"taxa": ["Procambarus virginalis"]}),
    ]),
    *section("Nützlinge", [LO], [
        ("SF-Nematoden gegen Trauermücken (Steinernema feltiae) – 10 Mio.",
         "Nützlinge für 20 m² bzw. 200 Zimmerpflanzen. Ins Gießwasser einrühren; Bodentemperatur mindestens 12 °C.", "14.90"),
        ("HM-Nematoden gegen Dickmaulrüssler (Heterorhabditis bacteriophora) – 50 Mio.",
         "Für 100 m² Beet oder Kübelpflanzen, Anwendung von April bis September.", "24.90"),
        ("Florfliegenlarven (Chrysoperla carnea) – 500 Stück",
         "Gefräßige Blattlausjäger für Gewächshaus und Wintergarten.", "16.90"),
        ("Raubmilben gegen Spinnmilben (Phytoseiulus persimilis) – 2.000 Tiere",
         "Auf Bohnenblättern geliefert, direkt auf befallene Pflanzen legen.", "19.90"),
    ]),
    *section("Pilzbrut", [LO], [
        ("Austernseitling Körnerbrut – 1 L",
         "Frische Pilzbrut auf Roggenkorn zum Beimpfen von Stroh oder Kaffeesatz. Im Kühlschrank bis zu drei Wochen haltbar.", "7.90"),
        ("Shiitake-Impfdübel – 100 Stück",
         "Buchenholzdübel, durchwachsen mit Shiitake-Myzel, zum Beimpfen frisch geschlagener Laubholzstämme.", "9.90",
         {"cats": [LO, WB]}),
        ("Kräuterseitling Substratbrut – 2,5 kg",
         "Durchwachsenes Sägemehlsubstrat für die Zucht im Keller.", "11.90",
         {"cats": [LO, WB]}),
    ]),
    *section("Substrat & Deko", [SO], [
        ("Terrarienerde 'Tropenwald' – 10 L",
         "Humusreiche Mischung aus Kokoshumus, Lauberde und Holzkohle. Hält Feuchtigkeit, ohne zu verschimmeln.", "6.90"),
    ]),
    *section("Substrat & Deko", [WB], [
        ("Morschholz für Asseln und Käfer – 1 kg",
         "Weißfaules Laubholz aus heimischen Wäldern, Nahrung und Versteck für Bodenbewohner.", "6.50"),
        ("Korkröhre natur – Ø 8–12 cm, 30 cm",
         "Naturkork als Versteck und Kletterast für Terrarien.", "8.90"),
    ]),
    *section("Substrat & Deko", [PR], [
        ("Buchenlaub getrocknet – 50 g",
         "Luftgetrocknetes Herbstlaub als Futter und Bodengrund für Asseln.", "3.90"),
    ]),
    *section("Trockenfutter", [PR], [
        ("Mehlwürmer getrocknet – Vogelfutter 1 kg",
         "Schonend getrocknete Mehlwürmer als Ganzjahresfutter für Wildvögel und Igel. Nicht lebend.", "12.90", LOOK),
        ("Heimchen gefriergetrocknet – 100 g",
         "Ganze Heimchen, gefriergetrocknet, als Ergänzungsfutter für Schildkröten und Fische.", "5.90", LOOK),
    ]),
    *section("Zubehör", [NR], [
        ("Insektendose leer, 500 ml – 10 Stück",
         "Klare Futtertierdosen mit Lüftungsdeckel, ohne Inhalt.", "4.90", LOOK),
        ("Futterpinzette Edelstahl 30 cm",
         "Lange Pinzette zum gezielten Verfüttern von Insekten.", "5.50", LOOK),
        ("Wärmematte 14 W für Terrarien",
         "Flache Heizmatte für die Unterseite von Glasterrarien.", "17.90", LOOK),
        ("Buch: „Asseln – Haltung und Zucht“",
         "Über 60 Arten im Porträt, mit Tipps zu Substrat und Futter. 144 Seiten.", "19.80", LOOK),
        ("Glasterrarium 40 × 30 × 30 cm",
         "Mit Flügeltüren und Lüftungsgitter, leer geliefert.", "64.90", LOOK),
    ]),
]

LISTINGS["vijverplanten-direct"] = [
    *section("Waterplanten > Drijfplanten", [PP], [
        ("Waterhyacint (Eichhornia crassipes) – 3 stuks",
         "Drijvende vijverplant met lila bloemen en opgeblazen bladstelen. Zuivert het water door overtollige voedingsstoffen op te nemen.", "6.95",
         {"taxa": ["Eichhornia crassipes"]}),
        ("Watersla (Pistia stratiotes) – 5 stuks",
         "Lichtgroene rozetten die schaduw geven en algen tegengaan. Niet winterhard.", "5.95",
         {"taxa": ["Pistia stratiotes"]}),
        ("Kikkerbeet (Hydrocharis morsus-ranae) – 5 stuks",
         "Inheemse drijfplant met kleine witte bloemetjes en ronde blaadjes.", "4.95"),
        ("Krabbenscheer (Stratiotes aloides) – 3 stuks",
         "Inheemse plant die in de zomer naar de oppervlakte komt en in de winter zakt.", "6.50"),
    ]),
    *section("Waterplanten > Zuurstofplanten", [PP], [
        ("Parelvederkruid (Myriophyllum aquaticum) – bos van 5",
         "Fijn geveerd blad dat boven het water uitgroeit; mooi langs de vijverrand.", "4.50",
         {"taxa": ["Myriophyllum aquaticum"]}),
        ("Smalle waterpest (Elodea nuttallii) – bos",
         "Snelgroeiende zuurstofplant die het water helder houdt.", "2.95",
         {"taxa": ["Elodea nuttallii"]}),
        ("Verspreidbladige waterpest (Lagarosiphon major) – bos van 10",
         "Stevige zuurstofplant met gekrulde blaadjes, ook bekend als 'Elodea crispa'.", "3.95",
         {"taxa": ["Lagarosiphon major"]}),
        ("Hoornblad (Ceratophyllum demersum) – bos van 10",
         "Wortelloze inheemse zuurstofplant, ideaal voor vijvers met vissen.", "4.25"),
    ]),
    *section("Waterplanten > Oeverplanten", [PP], [
        ("Grote waterteunisbloem (Ludwigia grandiflora) – pot 9 cm",
         "Gele bloemen de hele zomer lang, kruipt over de waterrand.", "3.95",
         {"taxa": ["Ludwigia grandiflora"]}),
        ("Grote waternavel (Hydrocotyle ranunculoides) – pot 9 cm",
         "Ronde, glanzende blaadjes die een dichte mat vormen op ondiep water.", "3.95",
         {"taxa": ["Hydrocotyle ranunculoides"]}),
        ("Moerasaronskelk (Lysichiton americanus) – pot 2 liter",
         "Opvallende gele schutbladen in het vroege voorjaar, gevolgd door enorme bladeren.", "14.95",
         {"taxa": ["Lysichiton americanus"]}),
        ("Dwerglisdodde (Typha minima) – pot 9 cm",
         "Kleine lisdodde met bolronde sigaartjes, geschikt voor kleine vijvers en kuipen.", "3.50"),
        ("Zwanenbloem (Butomus umbellatus) – pot 9 cm",
         "Roze bloemschermen in de zomer, voor 0–20 cm water.", "3.95"),
        ("Gele lis (Iris pseudacorus) – pot 11 cm",
         "Inheemse iris met heldergele bloemen in mei en juni.", "3.95"),
        ("Dotterbloem (Caltha palustris) – pot 11 cm",
         "Goudgele bloemen in het vroege voorjaar, voor moerasgrond en ondiep water.", "3.75"),
        ("Moerasvergeet-mij-nietje (Myosotis scorpioides) – pot 9 cm, 3 stuks",
         "Hemelsblauwe bloemetjes van mei tot september langs de oever.", "8.50"),
        ("Pijlkruid (Sagittaria sagittifolia) – pot 9 cm",
         "Pijlvormige bladeren en witte bloemen, voor 10–40 cm diepte.", "3.95"),
    ]),
    *section("Waterplanten > Waterlelies", [PP], [
        ("Waterlelie 'Marliacea Chromatella' – mand 3 liter",
         "Gele waterlelie voor een plantdiepte van 40–80 cm. Bloeit rijk van juni tot september.", "19.95"),
        ("Dwergwaterlelie 'Pygmaea Helvola' – pot 1 liter",
         "Kleinste gele waterlelie, al vanaf 15 cm waterdiepte. Ideaal voor een kuipvijver.", "14.95"),
        ("Vijverplantenpakket 'Natuurvijver' – 12 planten",
         "Een uitgebalanceerde mix van oeverplanten, zuurstofplanten en drijfbladplanten voor ca. 5 m² vijveroppervlak.", "39.95"),
    ]),
    *section("Vijveraarde", [SO], [
        ("Vijveraarde – 20 liter",
         "Voedselarme, kleihoudende aarde speciaal voor waterplanten; voorkomt algengroei.", "8.95"),
        ("Kleikorrels voor vijvermanden – 10 liter",
         "Gebakken kleikorrels als afdeklaag, zodat de aarde niet uitspoelt.", "7.50"),
    ]),
    *section("Vijverdieren", [LO], [
        ("Moerasslakken (Viviparus viviparus) – 10 stuks",
         "Levendbarende vijverslakken die algen en afgestorven plantendelen opruimen. Winterhard.", "9.95"),
        ("Posthoornslakken rood (Planorbarius corneus) – 10 stuks",
         "Rode posthoornslakken, nuttige opruimers voor vijver en aquarium.", "7.50"),
        ("Watervlooien (Daphnia) levend – zakje 0,5 liter",
         "Levend voer voor jonge vissen en natuurlijke algenbestrijders.", "2.95"),
    ]),
    *section("Techniek & decoratie", [NR], [
        ("Kunstwaterlelie drijvend, roze – Ø 30 cm",
         "Decoratieve drijvende lelie van kunststof, het hele jaar in bloei.", "8.95", LOOK),
        ("Vijvermand rond 28 cm met jute doek",
         "Plantmand van stevig kunststof met gaasstructuur. Geleverd zonder aarde en zonder planten.", "3.95", LOOK),
        ("Vijverpomp 3000 l/u, energiezuinig",
         "Filterpomp voor vijvers tot 6.000 liter, 25 W.", "59.00", LOOK),
        ("Vijverfolie EPDM 1,0 mm – 4 × 3 m",
         "Rubberen vijverfolie, UV-bestendig en soepel bij vorst.", "74.00", LOOK),
        ("Kunstplant lisdodde 120 cm",
         "Levensechte kunstplant voor terras en vijverrand, hoeft nooit water.", "24.95", LOOK),
        ("Vijvervoer sticks – 5 liter",
         "Drijvend basisvoer voor goudvissen en koi.", "12.95", LOOK),
        ("Drijvende vijverthermometer 'Eend'",
         "Meet de watertemperatuur, handig om te weten wanneer u kunt gaan voeren.", "6.50", LOOK),
        ("Vijverschaar met lange steel 160 cm",
         "Knipt en grijpt waterplanten tot op 1,5 m diepte zonder natte handen.", "29.95", LOOK),
    ]),
]

LISTINGS["greenwave-seeds"] = [
    *section("Seeds > Trees & Shrubs", [SE], [
        ("Tree of Heaven (Ailanthus altissima) Seeds — 1 kg bulk",
         "Fresh crop, cleaned and dried winged seeds, germination rate above 80%. Fast-growing shade tree for reforestation projects; wholesale prices for 10 kg and up.", "38.00",
         {"taxa": ["Ailanthus altissima"]}),
        ("Paulownia tomentosa Seeds — 10 g (approx. 50,000 seeds)",
         "Empress tree seed for fast timber plantations. Surface-sow and keep warm and moist.", "6.80"),
        ("Japanese Maple (Acer palmatum) Bonsai Seeds — 50 pcs",
         "Red-leaf maple seed for bonsai beginners. Stratify in the fridge for 60 days.", "3.20"),
        ("Goji Berry (Lycium barbarum) Seeds — 500 pcs",
         "Ningxia goji seed from this year's harvest.", "2.90"),
        ("Ginkgo biloba Nuts for Planting — 20 pcs",
         "Cleaned ginkgo seeds, stratified and ready to sow in spring.", "5.40"),
        ("Moringa oleifera Seeds — 100 pcs",
         "Drumstick tree seed, germinates in about a week at 25°C.", "3.80"),
        ("Premium <script>alert(1)</script> Bonsai Tree Seed Mix — 10 species",
         "A starter mix of pine, juniper, maple, wisteria and more. <b>Limited offer</b> — ask about wholesale & export packing.", "7.90"),
    ]),
    *section("Seeds > Flowers & Wild Plants", [SE], [
        ("Himalayan Balsam (Impatiens glandulifera) Seeds — 500 pcs",
         "Tall annual with pink orchid-like flowers that self-sows freely. Seeds shoot out when the ripe pods are touched.", "3.50",
         {"taxa": ["Impatiens glandulifera"]}),
        ("Giant Hogweed (Heracleum mantegazzianum) Seeds — 100 pcs, for ornamental gardens",
         "Architectural giant up to 4 m with huge white umbels. Wear gloves: the sap can irritate skin in sunlight.", "4.20",
         {"taxa": ["Heracleum mantegazzianum"]}),
        ("Common Milkweed (Asclepias syriaca) Seeds — 1000 pcs",
         "Fragrant pink flower balls in summer, silky seed pods in autumn.", "5.90",
         {"taxa": ["Asclepias syriaca"]}),
        ("Kudzu (Pueraria montana var. lobata) Seeds — 200 pcs",
         "Vigorous climbing legume used for erosion control and as a traditional medicinal root.", "4.80",
         {"taxa": ["Pueraria montana"]}),
        ("Japanese Hop (Humulus scandens) Seeds — 300 pcs",
         "Fast annual climber for quick green screens on fences.", "3.30",
         {"taxa": ["Humulus scandens"]}),
        ("Chinese Bush Clover (Lespedeza cuneata) Seeds — 500 g",
         "Drought-tolerant forage and slope-stabilisation legume.", "9.80",
         {"taxa": ["Lespedeza cuneata"]}),
        ("Fountain Grass (Pennisetum setaceum) Seeds — 200 pcs",
         "Graceful ornamental grass with feathery pink plumes.", "3.60",
         {"taxa": ["Pennisetum setaceum"]}),
        ("Sacred Lotus (Nelumbo nucifera) Seeds — 10 pcs, pre-scarified",
         "Pink lotus seed, already filed open — just drop into warm water.", "4.50"),
        ("Rainbow Rose Seeds — 100 pcs, mixed colours",
         "Grow roses in seven colours on one bush! Easy for beginners, ships in a moisture-proof packet.", "1.99"),
    ]),
    *section("Seeds > Vegetables", [SE], [
        ("Chinese Cabbage 'Wong Bok' Seeds — 500 g",
         "Barrel-shaped napa cabbage for autumn crops, sold by weight for growers.", "12.00"),
        ("Pak Choi 'Shanghai Green' Seeds — 100 g",
         "Spoon-leaf pak choi, harvest in 45 days.", "5.50"),
        ("Bitter Melon (Momordica charantia) Seeds — 50 g",
         "Long green bitter gourd, heavy yielding on a trellis.", "3.60"),
    ]),
    *section("Bulbs & Roots", [BU], [
        ("Fresh Ginger Rhizomes for Planting — 1 kg",
         "Plump young ginger from Shandong with visible growth buds. Plant shallow in warm, humid conditions.", "8.50"),
        ("Tiger Lily (Lilium lancifolium) Bulbs — 10 pcs",
         "Orange spotted lilies that also multiply by bulbils along the stem.", "9.90"),
    ]),
    *section("Live Plants", [PP], [
        ("Tree Peony (Paeonia suffruticosa) 'Luoyang Red' — 3-year bare-root",
         "Grafted tree peony from Heze, shipped dormant with the roots wrapped in moist sphagnum.", "16.00",
         {"cats": [PP, SO]}),
    ]),
    *section("Tea & Dried Goods", [PR], [
        ("Dried Goji Berries — 500 g",
         "Sun-dried Ningxia goji, sweet and chewy. Food grade, not for sowing.", "7.50", LOOK),
        ("Jasmine Green Tea — 250 g tin",
         "Green tea scented with fresh jasmine blossoms over several nights.", "9.80", LOOK),
        ("Star Anise Whole — 1 kg",
         "Whole star anise pods from Guangxi, hand-sorted.", "14.00", LOOK),
        ("Dried Chrysanthemum Flower Tea — 100 g",
         "Whole dried Hangzhou chrysanthemum buds for a floral, caffeine-free tea.", "4.60", LOOK),
    ]),
    *section("Garden Supplies", [NR], [
        ("Glass Seed Beads 12/0 — 100 g, 24 colours",
         "Uniform round glass beads for embroidery and jewelry making, 2 mm. Comes in a divided storage box.", "5.80", LOOK),
        ("Artificial Silk Peony Bouquet — 5 stems",
         "Lifelike silk peonies for weddings and home decor.", "8.90", LOOK),
        ("Seedling Heat Mat 20 × 52 cm, waterproof",
         "Gentle bottom heat for germinating seeds indoors.", "11.50", LOOK),
        ("Plastic Nursery Pots 10 cm — 100 pcs",
         "Lightweight black pots with drainage holes.", "9.90", LOOK),
        ("LED Grow Light Bulb E27, 30 W full spectrum",
         "Screw-in plant light bulb for indoor seedlings and houseplants. No seeds included.", "6.90", LOOK),
        ("Bonsai Tool Set — 5 pcs carbon steel",
         "Concave cutter, shears, wire cutter, rake and tweezers in a canvas roll.", "16.80", LOOK),
        ("Seed Starter Kit — 12 fibre pots + labels (no seeds)",
         "Biodegradable bamboo-fibre pots and plant markers for starting your own seeds.", "4.90", LOOK),
        ("'Seed Funding' Hardcover Notebook — startup planner",
         "A5 planner with 90-day goal pages and investor meeting notes. 192 pages.", "6.50", LOOK),
    ]),
]

LISTINGS["herboristerie-vieux-moulin"] = [
    *section("Plantes sèches > Tisanes", [PR], [
        ("Tilleul, feuilles et fleurs séchées – 50 g",
         "Tilleul des Baronnies récolté en juin et séché à l'ombre. En infusion le soir, pour un moment d'apaisement.", "5.90", LOOK),
        ("Verveine odorante, feuilles entières – 30 g",
         "Feuilles entières au parfum citronné, cultivées sans traitement.", "6.50", LOOK),
        ("Camomille romaine, fleurs séchées – 40 g",
         "Capitules entiers récoltés à la main, à infuser après le repas.", "7.20", LOOK),
        ("Mélisse, feuilles coupées – 40 g",
         "Mélisse de notre jardin, coupée et séchée à basse température.", "5.20", LOOK),
        ("Ortie piquante, feuilles séchées – 50 g",
         "Feuilles d'ortie cueillies au printemps, riches en minéraux.", "4.20", LOOK),
        ("Fleurs d'hibiscus séchées (karkadé) – 100 g",
         "Calices entiers pour une boisson acidulée rouge rubis, chaude ou glacée.", "5.50", LOOK),
        ("Pétales de rose de Damas – 30 g",
         "Pétales séchés pour tisanes, bains et pâtisseries.", "7.90", LOOK),
        ("Écorce de saule blanc coupée – 100 g",
         "Écorce séchée et coupée, à utiliser en décoction.", "5.90"),
    ]),
    *section("Plantes sèches > Cuisine", [PR], [
        ("Thym citron séché – 40 g",
         "Thym au parfum d'agrume, idéal pour les poissons et les grillades.", "4.90", LOOK),
        ("Herbes de Provence – sachet 100 g",
         "Thym, romarin, sarriette et origan, mélangés à la main.", "4.80", LOOK),
        ("Safran en filaments – 0,5 g",
         "Safran cultivé dans la Drôme, récolte de l'automne dernier.", "14.00", LOOK),
        ("Poivre de Timut – 50 g",
         "Baies au parfum de pamplemousse, à moudre au dernier moment.", "8.50", LOOK),
    ]),
    *section("Lavande & fleurs séchées", [PR], [
        ("Lavande fine AOP séchée en vrac – 100 g",
         "Fleurs de lavande fine de haute Provence, pour sachets et pâtisserie.", "8.50", LOOK),
        ("Bouquet de lavande séchée – 150 tiges",
         "Lavande fine coupée à la main au sommet de la floraison et séchée tête en bas.", "12.00", LOOK),
        ("Bouquet de fleurs séchées 'Champêtre' – statice, gypsophile et lagurus",
         "Composition naturelle de fleurs séchées, sans teinture. Tient des mois, à l'abri du soleil direct.", "29.00", LOOK),
        ("Eucalyptus stabilisé – botte de 8 tiges",
         "Feuillage stabilisé à la glycérine végétale qui reste souple et parfumé.", "16.00", LOOK),
        ("Sachet de lavande brodé",
         "Petit coussin en lin garni de fleurs de lavande, pour parfumer les armoires.", "6.90", LOOK),
    ]),
    *section("Plants aromatiques", [PP], [
        ("Thym commun (Thymus vulgaris) – godet 8 cm",
         "Plant aromatique cultivé sans pesticides dans notre jardin de la Drôme.", "3.50"),
        ("Romarin officinal – pot 1 L",
         "Romarin à port dressé, mellifère, floraison bleue en fin d'hiver.", "6.90"),
        ("Sauge officinale – godet 8 cm",
         "Feuilles veloutées et aromatiques, rustique jusqu'à –15 °C.", "3.50"),
        ("Menthe poivrée – godet 8 cm",
         "La menthe la plus parfumée pour les tisanes fraîches.", "3.50"),
    ]),
    *section("Graines à semer", [SE], [
        ("Graines de camomille matricaire à semer – 0,5 g",
         "Semis en place au printemps, floraison tout l'été.", "2.90"),
        ("Graines de calendula (souci) à semer – 2 g",
         "Fleurs orange comestibles et médicinales, très faciles à cultiver.", "2.50"),
    ]),
    *section("Plantes fraîches", [FP], [
        ("Verveine fraîche coupée – botte",
         "Botte de verveine cueillie le matin même, à infuser fraîche. Expédition le lundi uniquement.", "3.90"),
    ]),
    *section("Maison & bien-être", [NR], [
        ("Huile essentielle de lavande fine – 10 ml",
         "Distillée à la vapeur d'eau dans notre alambic, 100 % pure.", "8.90", LOOK),
        ("Savon à l'huile d'olive et à la verveine",
         "Savon saponifié à froid, surgras, parfumé aux huiles essentielles.", "5.50", LOOK),
        ("Boule à thé en inox",
         "Infuseur à chaînette pour tisanes en vrac.", "4.50", LOOK),
        ("Théière en fonte 0,8 L",
         "Théière émaillée avec filtre amovible.", "39.00", LOOK),
        ("Livre « L'herbier des simples »",
         "Soixante plantes médicinales décrites et illustrées à l'aquarelle.", "24.00", LOOK),
        ("Planche botanique « Plantes médicinales » – 40 × 50 cm",
         "Reproduction d'une planche ancienne sur papier chiffon.", "19.00", LOOK),
        ("Bougie parfumée verveine-citron",
         "Cire végétale coulée à la main, 40 heures de combustion.", "18.00", LOOK),
    ]),
]

LISTINGS["cedar-hollow-fungi"] = [
    *section("Mushroom Spawn", [LO], [
        ("Blue Oyster Grain Spawn — 5 lb bag",
         "Pleurotus ostreatus on sterilized rye berries, fully colonized and ready to mix into pasteurized straw. Keeps 4–6 weeks refrigerated.", "34.00"),
        ("Lion's Mane Grain Spawn — 3 lb",
         "Hericium erinaceus on millet, our fastest-fruiting strain.", "28.00"),
        ("Shiitake Plug Spawn — 100 hardwood dowels",
         "Birch dowels colonized with a warm-weather shiitake strain. Drill, tap into fresh oak or maple logs and seal with wax.", "15.00",
         {"cats": [LO, WB]}),
        ("Wine Cap (Stropharia rugosoannulata) Sawdust Spawn — 5 lb",
         "Colonized alder sawdust for outdoor wood-chip beds; fruits spring and fall.", "29.00",
         {"cats": [LO, WB]}),
        ("Reishi (Ganoderma lucidum) Grain Spawn — 3 lb",
         "Red reishi culture on sorghum for logs or supplemented sawdust.", "30.00"),
        ("King Oyster Grain Spawn — 3 lb",
         "Pleurotus eryngii, prefers supplemented hardwood substrate and cool fruiting.", "28.00"),
        ("Pearl Oyster Ready-to-Fruit Block",
         "A fully colonized 5 lb hardwood block; cut an X in the bag, mist twice a day and harvest in about 10 days.", "24.00",
         {"cats": [LO, WB]}),
        ("Morel Habitat Kit — 4 sq ft",
         "Morchella spawn with amended substrate to establish an outdoor morel bed under trees.", "45.00",
         {"cats": [LO, SO]}),
        ("Liquid Culture Syringe — Golden Oyster, 10 cc",
         "Live mycelium in nutrient broth for inoculating grain jars.", "18.00"),
    ]),
    *section("Composting Worms & Larvae", [LO], [
        ("Red Wiggler Worms (Eisenia fetida) — 1 lb",
         "About 1,000 composting worms shipped in damp bedding. We ship Monday–Wednesday to avoid weekend delays.", "39.00"),
        ("European Nightcrawlers (Eisenia hortensis) — 500 count",
         "Bigger than red wigglers and great for bait as well as bins.", "42.00"),
        ("Black Soldier Fly Larvae — live, 500 count",
         "Hungry larvae for compost bins and chicken treats; they self-harvest when mature.", "19.00"),
    ]),
    *section("Substrates", [SO], [
        ("Worm Castings — 10 lb bag",
         "Screened vermicompost from our own bins, a gentle fertilizer for potting mixes.", "22.00"),
        ("Coco Coir Brick — 5 kg",
         "Buffered and rinsed coir that expands to about 70 liters. The base of our CVG substrate.", "16.00"),
        ("CVG Mushroom Substrate — 5 lb, pasteurized",
         "Coco coir, vermiculite and gypsum, ready for bulk grows.", "14.00"),
    ]),
    *section("Logs & Wood", [WB], [
        ("Oak Logs for Mushroom Cultivation — 4 ft, bundle of 4",
         "Freshly cut white oak, 4–6\" diameter, felled during dormancy. Local pickup or regional freight only.", "48.00"),
        ("Hardwood Sawdust Pellets — 40 lb (for mushroom blocks)",
         "Pure oak fuel pellets without binders; hydrate and mix with bran for fruiting blocks.", "14.00"),
    ]),
    *section("Pantry", [PR], [
        ("Dried Shiitake Mushrooms — 4 oz",
         "Log-grown shiitake, sliced and dehydrated on our farm.", "12.00", LOOK),
        ("Chaga Chunks — wild-harvested, 8 oz",
         "Dried chaga from birch in northern Minnesota, for simmering into tea.", "22.00", LOOK),
    ]),
    *section("Pantry", [NR], [
        ("Lion's Mane Tincture — 2 oz",
         "Dual-extracted fruiting bodies in organic cane alcohol.", "24.00", LOOK),
    ]),
    *section("Equipment & Books", [NR], [
        ("Mushroom Identification Field Guide — Pacific Northwest",
         "Over 500 species with photos and spore print colors. 480 pages, waterproof cover.", "29.95", LOOK),
        ("Mushroom-Shaped Ceramic Table Lamp",
         "Hand-glazed stoneware lamp with a warm LED, 12\" tall.", "48.00", LOOK),
        ("Still Air Box with Arm Ports — 66 qt",
         "Clear tote with pre-cut arm holes for clean inoculations.", "39.00", LOOK),
        ("23 qt Pressure Canner for Sterilizing Substrate",
         "Holds up to seven quart jars of grain at 15 PSI.", "159.00", LOOK),
        ("3-Tray Worm Bin (worms not included)",
         "Stackable composting system sized for about 1 lb of worms. Worms and bedding sold separately.", "79.00", LOOK),
        ("Filter Patch Grow Bags, 0.2 Micron — 50 pack",
         "Empty autoclavable bags for spawn and fruiting blocks.", "32.00", LOOK),
        ("Mycology Enamel Pin — Fly Agaric",
         "Hard enamel pin with a gold finish and rubber back.", "10.00", LOOK),
        ("Spore Print Kit (paper, foil & glass) — no spores",
         "Everything you need to take your own spore prints for identification. Does not contain spores.", "8.50", LOOK),
    ]),
]

LISTINGS["casa-verde-design"] = [
    *section("Piante > Da interno", [PP], [
        ("Monstera deliciosa – vaso Ø 17 cm, h 60 cm",
         "Foglie grandi e frastagliate, una pianta da interno facile e di grande effetto. Luce indiretta; annaffiare quando il terriccio è asciutto in superficie.", "24.90"),
        ("Pothos 'Marble Queen' (Epipremnum aureum) – vaso Ø 12 cm",
         "Ricadente con foglie variegate bianco-verdi, perfetta per mensole e librerie.", "9.90"),
        ("Ficus lyrata – vaso Ø 21 cm, h 120 cm",
         "Il ficus a foglia di violino, per angoli luminosi senza sole diretto.", "59.00"),
        ("Sansevieria trifasciata 'Laurentii' – vaso Ø 14 cm",
         "Quasi indistruttibile, sopporta poca luce e annaffiature dimenticate.", "14.50"),
        ("Calathea orbifolia – vaso Ø 17 cm",
         "Foglie tonde a strisce argentate; ama l'umidità e l'acqua non calcarea.", "22.00"),
        ("Zamioculcas zamiifolia – vaso Ø 17 cm",
         "Foglie lucide e crescita ordinata, ideale per uffici.", "19.90"),
        ("Strelitzia nicolai – vaso Ø 24 cm, h 130 cm",
         "Grandi foglie a ventaglio per un effetto tropicale in salotto.", "69.00"),
        ("Orchidea Phalaenopsis bianca – 2 steli, vaso Ø 12 cm",
         "Fioritura di diverse settimane; immergere le radici una volta alla settimana.", "18.90"),
        ("Tillandsia ionantha – set di 3 piante aeree",
         "Piante aeree senza terra: basta nebulizzarle due volte a settimana.", "12.00"),
        ("Philodendron 'Pink Princess' – talea radicata",
         "Talea con radici e due foglie variegate di rosa, spedita in vasetto.", "29.00"),
        ("Bonsai Ficus microcarpa 'Ginseng' – vaso in ceramica 20 cm",
         "Radici aeree scultoree, un bonsai da interno per principianti.", "27.50"),
        ("Kokedama di Maranta con sfera di muschio e terriccio",
         "Pianta avvolta in una sfera di terriccio e muschio, da appendere o appoggiare su un piattino.", "21.00",
         {"cats": [PP, SO]}),
    ]),
    *section("Terricci & substrati", [SO], [
        ("Terriccio per piante verdi – 10 L",
         "Substrato soffice con fibra di cocco e perlite per piante da appartamento.", "6.90"),
        ("Mix per orchidee con corteccia di pino – 5 L",
         "Corteccia di pino, perlite e carbone vegetale per epifite.", "8.90",
         {"cats": [SO, WB]}),
        ("Perlite espansa – 10 L",
         "Alleggerisce il terriccio e migliora il drenaggio.", "7.50"),
        ("Sfagno essiccato – 150 g",
         "Muschio sfagno di alta qualità per orchidee, talee e terrari. Si reidrata in pochi minuti.", "6.90"),
        ("Argilla espansa – 5 L",
         "Palline di argilla per drenaggio e coltivazione idroponica.", "5.50"),
    ]),
    *section("Fiori secchi", [PR], [
        ("Pampas secca naturale – 5 piumini, 80 cm",
         "Piumini di erba della pampa essiccati e fissati, colore naturale.", "24.00", LOOK),
        ("Lunaria secca – mazzo",
         "Rametti essiccati di Lunaria (monete del papa), privati dei semi.", "14.00", LOOK),
        ("Eucalipto stabilizzato – mazzo 60 cm",
         "Rami di eucalipto stabilizzati, restano morbidi e profumati per mesi.", "19.00", LOOK),
    ]),
    *section("Decorazione", [NR], [
        ("Pianta artificiale Monstera – 120 cm",
         "Riproduzione fedele in tessuto e plastica, con vaso incluso.", "79.00", LOOK),
        ("Ulivo finto in vaso – 150 cm",
         "Tronco naturale e foglie artificiali, nessuna manutenzione.", "119.00", LOOK),
        ("Orchidea artificiale in vaso di ceramica",
         "Phalaenopsis finta effetto real-touch, sempre in fiore.", "34.00", LOOK),
        ("Lampadina LED E27 a filamento, 6 W luce calda",
         "Lampadina a globo con filamento vintage, classe energetica A. Ideale per lampade a sospensione.", "7.90", LOOK),
        ("Lampada per piante da interno 'Grow', 20 W",
         "Lampada a spettro completo dal design minimal, per piante in angoli bui.", "49.00", LOOK),
        ("Portavasi in rattan intrecciato Ø 25 cm",
         "Intrecciato a mano, con fodera impermeabile.", "29.00", LOOK),
        ("Vaso in ceramica opaca Ø 17 cm, salvia",
         "Vaso smaltato con foro di drenaggio e sottovaso abbinato.", "22.00", LOOK),
        ("Perline di vetro tipo rocaille 11/0 – 50 g",
         "Perline conteria in vetro per bijoux e ricamo, colore verde bosco.", "3.90", LOOK),
        ("Stampa botanica 'Felce' – 30 × 40 cm",
         "Stampa su carta fine art, cornice non inclusa.", "18.00", LOOK),
        ("Terrario in vetro geometrico (vuoto)",
         "Struttura in ottone e vetro, per succulente o piccoli oggetti.", "34.00", LOOK),
        ("Annaffiatoio in ottone 1 L",
         "Beccuccio lungo e sottile per annaffiare con precisione.", "39.00", LOOK),
        ("Cuscino con stampa foglie di banano",
         "Federa in cotone con imbottitura, 45 × 45 cm.", "24.00", LOOK),
        ("Libro: 'Piante d'appartamento per principianti'",
         "Cinquanta piante facili spiegate scheda per scheda. 160 pagine.", "16.90", LOOK),
    ]),
]

# --------------------------------------------------------------------------- derivation


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def dec(value: float) -> str:
    return f"{value:.2f}"


def build_listings(trader: dict, rows: list[dict]) -> list[dict]:
    out = []
    handles: set[str] = set()
    for n, row in enumerate(rows, start=1):
        lid = f"{trader['key']}-{n:03d}"
        rng = random.Random(lid)
        handle = slugify(row["title"])
        if len(handle) > 72:
            handle = handle[:72].rsplit("-", 1)[0]
        while handle in handles:
            handle += "-x"
        handles.add(handle)
        if "qty" in row:
            qty = row["qty"]
        else:
            qty = rng.choice([0, 2, 3, 4, 8, 12, 15, 24, 30, 40, 60, 75, 120, 200, 350, 500])
        available = row.get("available", qty > 0)
        price = float(row["price"])
        compare = None
        if rng.random() < 0.1 and price >= 5:
            compare = dec(round(price * rng.choice([1.15, 1.2, 1.25, 1.3]), 1) - 0.05)
        created = date(2023, 6, 1) + timedelta(days=rng.randrange(0, 600))
        updated = created + timedelta(days=rng.randrange(0, 180))
        cats = list(row["cats"])
        assert all(c in CATEGORIES for c in cats), (lid, cats)
        path = row["path"].split(" > ")
        sku = trader["sku"].format(n=n * 7 + 100, c=slugify(path[0])[:1].upper())
        out.append({
            "id": lid,
            "trader": trader["key"],
            "title": row["title"],
            "description": row["description"],
            "price": row["price"],
            "compare_at_price": compare,
            "quantity": qty,
            "available": available,
            "sku": sku,
            "handle": handle,
            "category_path": path,
            "product_type": path[-1],
            "tags": sorted({slugify(p) for p in path} | ({"sale"} if compare else set())),
            "images": [f"images/{trader['key']}/{handle}-{k}.jpg" for k in range(1, rng.choice([1, 1, 2, 3]) + 1)],
            "created_at": created.isoformat(),
            "updated_at": updated.isoformat(),
            "look_alike": bool(row.get("look", False)),
            "expected_categories": cats,
            "expected_risk": risk_for(cats),
            "expected_taxa": list(row.get("taxa", [])),
        })
    return out


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


TRADER_FIELDS = (
    "key", "name", "platform", "country", "region", "city", "postal_code", "street",
    "currency", "language", "timezone", "domain", "email", "description", "ships_to",
    "markup", "shipping_details",
)


def render_traders() -> str:
    lines = [
        "# Traders of the bundled demo marketplace. Written by data/demo/generate.py; see README.md.",
        "# Every name, address, domain and e-mail is invented (.example domains, RFC 2606).",
        "",
    ]
    for t in TRADERS:
        lines.append("[[trader]]")
        for f in TRADER_FIELDS:
            if f in t:
                lines.append(f"{f} = {toml_value(t[f])}")
        lines.append("")
    return "\n".join(lines)


def render_all() -> dict[Path, str]:
    files = {HERE / "traders.toml": render_traders()}
    skus: set[str] = set()
    for t in TRADERS:
        rows = build_listings(t, LISTINGS[t["key"]])
        for r in rows:
            assert r["sku"] not in skus, r["sku"]
            skus.add(r["sku"])
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        files[HERE / "listings" / f"{t['key']}.jsonl"] = body
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args(argv)
    files = render_all()
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text("utf-8") != text]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(HERE)}", file=sys.stderr)
        return 1 if stale else 0
    for p, text in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    total = sum(text.count("\n") for p, text in files.items() if p.suffix == ".jsonl")
    print(f"wrote {len(TRADERS)} traders and {total} listings to {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
