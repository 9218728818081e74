# SPDX-License-Identifier: GPL-3.0-or-later
"""piifake - fake customer PII and the prose around it, for piiguard's
benchmark corpus (gen_corpus.py) and labelled accuracy corpus
(gen_labelled.py).

Every generator takes a random.Random so that a fixed seed gives the same
text on every machine. Numbers that carry a checksum are made valid (Luhn
cards, mod-97 IBANs, SSNs outside the never-issued areas), so that a
detector has to find them, and the hard negatives are made to look like
them without being them (Luhn-failing cards, order numbers, prices,
dates, times, tracking codes).

The names here are written for this file and are deliberately not the
engine's dictionary (src/engine/names.c): a corpus built from the
engine's own list would only measure the list.
"""

GIVEN = (
    "Olivia Liam Emma Noah Amelia Oliver Sophia Elijah Isabella Lucas Mia Mason "
    "Harper Ethan Evelyn Logan Abigail Henry Emily Jacob Ella Michael Madison "
    "Daniel Scarlett Jackson Aria Sebastian Chloe Aiden Camila Matthew Penelope "
    "Samuel Layla David Riley Joseph Zoey Carter Nora Owen Lily Wyatt Eleanor "
    "John Hannah Luke Lillian Gabriel Addison Anthony Aubrey Isaac Ellie Dylan "
    "Stella Leo Natalie Lincoln Zoe Jaxon Leah Asher Hazel Christopher Violet "
    "Margaret Patricia Jennifer Linda Barbara Susan Jessica Sarah Karen Nancy "
    "Robert James William Richard Thomas Charles Steven Kevin Brian George Edward "
    "José María Zoë François Jürgen Søren Björn Ólafur Łukasz Dorota Małgorzata "
    "Jiří Ondřej Tomáš Zoltán Gábor Ágnes Ioana Ștefan Miloš Dragana Yiannis "
    "Eleni Dmitri Olga Sergei Ayşe Mehmet Fatima Omar Yusuf Priya Rahul Ananya "
    "Wei Xiaoming Haruto Yuki Min-jun Seo-yeon Thanh Ngozi Kwame Amara Chidi "
    "Mateo Valentina Santiago Lucía Joaquín Camille Théo Chloé Mathéo Léa "
    "Giulia Lorenzo Francesca Matteo Lars Ingrid Sanne Daan Anouk Femke Kasper"
).split()

SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
    "Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin "
    "Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker "
    "Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson "
    "Baker Hall Rivera Campbell Mitchell Carter Roberts Müller Schmidt Schneider "
    "Fischer Weber Meyer Wagner Becker Dubois Lefèvre Moreau Laurent Fontaine "
    "Rossi Russo Ferrari Esposito Bianchi Romano Fernández Jiménez Ruiz Álvarez "
    "Silva Santos Oliveira Pereira Costa Jansen Visser Smit Bakker "
    "Nielsen Hansen Andersen Johansson Lindqvist Virtanen Korhonen Kowalski "
    "Nowak Wiśniewska Novák Svobodová Nagy Kovács Popescu Ivanov Petrova "
    "Papadopoulos Yılmaz Kaya Haddad Khan Patel Sharma Wang Li Zhang Chen "
    "Tanaka Suzuki Kim Park Tran Okafor Mensah Mwangi O'Brien MacDonald"
).split()

CITIES = (
    "London,Manchester,Dublin,Paris,Lyon,Berlin,München,Zürich,Wien,Kraków,"
    "Praha,Budapest,Malmö,Göteborg,København,Oslo,Helsinki,Reykjavík,Lisboa,"
    "São Paulo,Montréal,Québec,Toronto,Chicago,Boston,Seattle,Austin,Denver,"
    "Madrid,Sevilla,Barcelona,Milano,Napoli,Athens,İstanbul,Düsseldorf,Köln,"
    "Tokyo,Osaka,Seoul,Singapore,Mumbai,Bengaluru,Lagos,Nairobi,Sydney,Auckland"
).split(",")

STREETS = "Main Oak Maple Cedar Elm Park Lake Hill High Church Station Mill".split()
STREET_TYPES = "Street Avenue Road Lane Drive Way Court".split()

# Sentences in other scripts, as customers quote or write them.
FOREIGN = [
    "请在周五之前回复，谢谢。",
    "我们已经收到您的订单，会尽快发货。",
    "お世話になっております。ご確認をお願いいたします。",
    "配送状況についてご連絡ください。",
    "Спасибо за ваш ответ, мы свяжемся с вами завтра.",
    "Пожалуйста, проверьте статус заказа.",
    "Ευχαριστώ πολύ για τη βοήθειά σας.",
    "고객님의 주문이 발송되었습니다.",
    "Merci beaucoup pour votre réponse rapide, à bientôt.",
    "Vielen Dank für Ihre schnelle Rückmeldung, schöne Grüße.",
]


def luhn_complete(digits):
    """Append the Luhn check digit to a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def card_number(rnd):
    """A Luhn-valid card number of a real issuer range, grouped as printed."""
    prefix, length = rnd.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16),
                                 ("34", 15), ("37", 15), ("6011", 16), ("3530", 16)])
    body = prefix + "".join(rnd.choice("0123456789") for _ in range(length - len(prefix) - 1))
    num = luhn_complete(body)
    style = rnd.random()
    if style < 0.4:
        return num
    sep = " " if style < 0.8 else "-"
    if length == 15:
        return sep.join([num[:4], num[4:10], num[10:]])
    return sep.join(num[i:i + 4] for i in range(0, 16, 4))


def bad_card(rnd):
    """Sixteen digits that fail Luhn: an order or reference number."""
    num = card_number(rnd).replace(" ", "").replace("-", "")
    last = (int(num[-1]) + rnd.randint(1, 9)) % 10
    return num[:-1] + str(last)


def ssn(rnd):
    """A US SSN in an issued area, dashed most of the time."""
    area = rnd.choice([a for a in range(1, 900) if a != 666])
    s = "%03d-%02d-%04d" % (area, rnd.randint(1, 99), rnd.randint(1, 9999))
    return s if rnd.random() < 0.85 else s.replace("-", " ")


# Countries whose BBAN carries no national check digits of its own (Belgian,
# Spanish, French and Italian ones do, and a random BBAN fails them).
IBAN_LAYOUT = {"DE": (18, "n"), "GB": (18, "GB"), "NL": (14, "NL"), "AT": (16, "n"),
               "CH": (17, "n"), "IE": (18, "GB"), "DK": (14, "n"), "PL": (24, "n")}


def iban(rnd):
    """A mod-97-valid IBAN, grouped in fours or compact."""
    cc = rnd.choice(sorted(IBAN_LAYOUT))
    length, kind = IBAN_LAYOUT[cc]
    if kind == "GB":
        bban = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        bban += "".join(rnd.choice("0123456789") for _ in range(length - 4))
    elif kind == "NL":
        bban = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        bban += "".join(rnd.choice("0123456789") for _ in range(10))
    elif kind == "IT":
        bban = rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        bban += "".join(rnd.choice("0123456789") for _ in range(22))
    else:
        bban = "".join(rnd.choice("0123456789") for _ in range(length))
    numeric = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    check = 98 - int(numeric) % 97
    code = "%s%02d%s" % (cc, check, bban)
    if rnd.random() < 0.5:
        return code
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def phone(rnd):
    """A phone number written as people write them."""
    npa, nxx = rnd.randint(201, 989), rnd.randint(200, 989)
    while npa % 100 == 11 or nxx % 100 == 11:
        npa, nxx = rnd.randint(201, 989), rnd.randint(200, 989)
    sub = rnd.randint(0, 9999)
    return rnd.choice([
        "(%d) %d-%04d" % (npa, nxx, sub),
        "%d-%d-%04d" % (npa, nxx, sub),
        "+1 %d %d %04d" % (npa, nxx, sub),
        "+44 20 %04d %04d" % (rnd.randint(7000, 8999), sub),
        "020 %04d %04d" % (rnd.randint(7000, 8999), sub),
        "+49 30 %d" % rnd.randint(1000000, 99999999),
        "+33 1 %02d %02d %02d %02d" % tuple(rnd.randint(10, 99) for _ in range(4)),
        "06 %02d %02d %02d %02d" % tuple(rnd.randint(10, 99) for _ in range(4)),
        "+61 2 %04d %04d" % (rnd.randint(1000, 9999), sub),
    ])


def person(rnd):
    """A given name and a surname."""
    return "%s %s" % (rnd.choice(GIVEN), rnd.choice(SURNAMES))


def email(rnd, name=None):
    """An address built from a name, as companies and people make them."""
    name = name or person(rnd)
    given, _, family = name.partition(" ")
    ascii_only = lambda s: "".join(c for c in s.lower() if c.isascii() and c.isalnum())
    local = rnd.choice(["%s.%s", "%s%s", "%s_%s"]) % (ascii_only(given), ascii_only(family))
    domain = rnd.choice(["example.com", "mail.example.org", "corp.example.net",
                         "example.co.uk", "post.example.de"])
    return "%s@%s" % (local or "user", domain)


def ipv4(rnd):
    return "%d.%d.%d.%d" % (rnd.randint(11, 223), rnd.randint(0, 255),
                            rnd.randint(0, 255), rnd.randint(1, 254))


MONTHS = ("January February March April May June July August September "
          "October November December").split()


def date_written(rnd, year_lo=2019, year_hi=2026):
    """A date as it appears in mail: numeric or with the month spelled."""
    y, m, d = rnd.randint(year_lo, year_hi), rnd.randint(1, 12), rnd.randint(1, 28)
    return rnd.choice(["%02d/%02d/%d" % (m, d, y), "%d-%02d-%02d" % (y, m, d),
                       "%s %d, %d" % (MONTHS[m - 1], d, y), "%d %s %d" % (d, MONTHS[m - 1], y),
                       "%02d.%02d.%d" % (d, m, y)])


def time_written(rnd):
    h, mi = rnd.randint(0, 23), rnd.choice([0, 15, 30, 45, rnd.randint(0, 59)])
    return rnd.choice(["%02d:%02d" % (h, mi), "%d:%02d %s" % (h % 12 or 12, mi, "am" if h < 12 else "pm"),
                       "%d pm" % rnd.randint(1, 11)])


def price(rnd):
    v = rnd.randint(1, 250000) / 100.0
    return rnd.choice(["$%.2f" % v, "€%.2f" % v, "£%.2f" % v, "USD %.2f" % v,
                       "$%s" % format(int(v * 10), ",")])


def order_number(rnd):
    return rnd.choice(["#%d" % rnd.randint(10000, 9999999),
                       "order %d" % rnd.randint(100000, 99999999),
                       "INV-%d-%05d" % (rnd.randint(2019, 2026), rnd.randint(1, 99999)),
                       "ticket %d" % rnd.randint(1000, 999999),
                       "1Z%s" % "".join(rnd.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16)),
                       "ref %s-%d" % ("".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3)),
                                      rnd.randint(100, 99999))])
