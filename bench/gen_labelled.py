#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gen_labelled - piiguard's own labelled corpus, for bench/pg_accuracy.

    gen_labelled.py [N]        (default 3000 documents, to stdout)

One JSON document per line, in Presidio-research's format:
{"full_text", "spans": [{"entity_type", "start_position", "end_position"}]}
with code-point offsets and piiguard's entity names. The seed is fixed,
so every run prints the same corpus.

About half the documents carry PII in customer-service sentences (cards,
SSNs, IBANs, e-mail addresses, phone numbers, names, IP addresses, dates
of birth); the rest are hard negatives labelled with nothing: order and
ticket numbers, prices, dates, times, tracking codes, Luhn-failing card
numbers, version strings, capitalised words that are not names, and
street addresses. A finding in a hard negative is a false positive.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import piifake as pf  # noqa: E402

SEED = 7


class Doc:
    """Text built piece by piece, with the spans of the labelled pieces."""

    def __init__(self):
        self.parts, self.spans, self.pos = [], [], 0

    def text(self, s):
        self.parts.append(s)
        self.pos += len(s)
        return self

    def pii(self, entity, s):
        self.spans.append({"entity_type": entity, "start_position": self.pos,
                           "end_position": self.pos + len(s)})
        return self.text(s)

    def json(self):
        return json.dumps({"full_text": "".join(self.parts), "spans": self.spans},
                          ensure_ascii=False)


def card_doc(rnd, d):
    d.text(rnd.choice(["Please charge my card ", "The card number is ", "Visa: ",
                       "I paid with "])).pii("CREDIT_CARD", pf.card_number(rnd))
    d.text(rnd.choice([" and it expires 08/27.", ".", " - thanks!"]))


def ssn_doc(rnd, d):
    d.text(rnd.choice(["My SSN is ", "Social security number: ", "SSN "]))
    d.pii("US_SSN", pf.ssn(rnd)).text(rnd.choice([".", " for the tax form.", ""]))


def iban_doc(rnd, d):
    d.text(rnd.choice(["Please wire it to ", "IBAN: ", "Our bank account is "]))
    d.pii("IBAN_CODE", pf.iban(rnd)).text(rnd.choice([".", " (main account).", ""]))


def email_doc(rnd, d):
    d.text(rnd.choice(["Write to ", "My e-mail is ", "Contact: ", "cc "]))
    d.pii("EMAIL_ADDRESS", pf.email(rnd)).text(rnd.choice([" please.", ".", ""]))


def phone_doc(rnd, d):
    d.text(rnd.choice(["Call me on ", "Phone: ", "My mobile is ", "Reach us at "]))
    d.pii("PHONE_NUMBER", pf.phone(rnd)).text(rnd.choice([" after 5pm.", ".", ""]))


def name_doc(rnd, d):
    name = pf.person(rnd)
    form = rnd.randrange(4)
    if form == 0:
        d.text("Dear ").pii("PERSON", name).text(",\nthank you for your order.")
    elif form == 1:
        d.text("Thanks for your help.\n\nBest regards,\n").pii("PERSON", name).text("\n")
    elif form == 2:
        d.text("I spoke to ").pii("PERSON", name).text(" about the refund yesterday.")
    else:
        d.pii("PERSON", name).text(" will join the call on Monday.")


def dob_doc(rnd, d):
    d.text(rnd.choice(["Date of birth: ", "DOB ", "I was born on "]))
    d.pii("DATE_OF_BIRTH", pf.date_written(rnd, 1940, 2004)).text(".")


def ip_doc(rnd, d):
    d.text("The login came from ").pii("IP_ADDRESS", pf.ipv4(rnd)).text(" last night.")


def negative_doc(rnd, d):
    """One hard negative: figures and capitalised words that are not PII."""
    d.text(rnd.choice([
        "Your order %s ships on %s." % (pf.order_number(rnd), pf.date_written(rnd)),
        "The total is %s, due %s at %s." % (pf.price(rnd), pf.date_written(rnd), pf.time_written(rnd)),
        "Reference %s was closed." % pf.bad_card(rnd),
        "Tracking %s, ticket #%d." % (pf.order_number(rnd), rnd.randint(1000, 99999)),
        "We upgraded to version %d.%d.%d.%d last week." % tuple(rnd.randint(1, 20) for _ in range(4)),
        "The meeting is on %s at %s in Room %d." % (pf.date_written(rnd), pf.time_written(rnd),
                                                   rnd.randint(100, 999)),
        "Our office moved to %d %s %s, %s." % (rnd.randint(1, 9999), rnd.choice(pf.STREETS),
                                              rnd.choice(pf.STREET_TYPES), rnd.choice(pf.CITIES)),
        "Monday Meeting Notes: Budget Review and Quarterly Planning.",
        "The Grand Hotel in %s was booked for %d nights at %s." % (rnd.choice(pf.CITIES),
                                                                  rnd.randint(1, 9), pf.price(rnd)),
        "Invoice INV-%d-%05d for %s is attached." % (rnd.randint(2019, 2026), rnd.randint(1, 99999),
                                                   pf.price(rnd)),
        "Please use discount code SPRING%d before %s." % (rnd.randint(10, 50), pf.date_written(rnd)),
        "Between 2019-2024 we shipped %d units, up %d%%." % (rnd.randint(1000, 99999), rnd.randint(1, 90)),
    ]))


POSITIVES = [card_doc, ssn_doc, iban_doc, email_doc, phone_doc, name_doc, dob_doc, ip_doc]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rnd = random.Random(SEED)
    for _ in range(n):
        d = Doc()
        if rnd.random() < 0.5:
            rnd.choice(POSITIVES)(rnd, d)
        else:
            negative_doc(rnd, d)
        if rnd.random() < 0.3:
            d.text(" " + rnd.choice(pf.FOREIGN))
        print(d.json())


if __name__ == "__main__":
    main()
