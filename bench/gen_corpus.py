#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gen_corpus - the benchmark corpus: customer-service mail as a gateway
sees it, written to one file.

    gen_corpus.py OUT [MEGABYTES]     (default 110 MB)

Messages of English prose (greeting, paragraphs, sign-off) with, at about
the rates of real support mail:
  - one PII item per ~2 KB (card, SSN, IBAN, e-mail, phone, a name with a
    date of birth), inside a sentence;
  - prices, dates, times, order and ticket numbers, tracking codes and
    Luhn-failing 16-digit references: about one figure per 100 words;
  - non-ASCII text: accented names and cities throughout, and about one
    message in eight with a Chinese, Japanese, Korean, Cyrillic, Greek,
    French or German sentence.
The seed is fixed: the same file on every machine, so MB/s figures
compare. Sentences are drawn from a pool built once (thousands of
distinct sentences) so that generation takes seconds per 100 MB.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import piifake as pf  # noqa: E402

SEED = 20240601

SUBJECTS = ["the delivery", "my last invoice", "the refund", "our account", "the upgrade",
            "the replacement part", "your latest update", "the subscription", "the warranty claim",
            "the shipment", "the contract renewal", "the onboarding call", "the support ticket",
            "the billing cycle", "the new pricing", "the return label", "the installation"]
VERBS = ["arrived", "was delayed", "looks fine", "needs another look", "was cancelled",
         "has been approved", "is still pending", "was charged twice", "went through",
         "did not work as expected", "was updated yesterday", "is on hold"]
OPENERS = ["I wanted to follow up on", "Could you check", "We are still waiting for",
           "Thanks for sorting out", "I have a question about", "Please confirm",
           "Our team reviewed", "Just a quick note regarding", "Can you give me an update on",
           "I noticed a problem with"]
FILLERS = ["as discussed on the phone", "if that is possible", "at your earliest convenience",
           "before the end of the week", "when you get a chance", "as soon as possible",
           "for our records", "so we can close this out", "in the meantime",
           "according to the portal"]
TAILS = ["Let me know if you need anything else.", "Thanks again for your help.",
         "I appreciate your patience.", "Looking forward to hearing from you.",
         "Have a great weekend.", "Please keep me posted.",
         "The team in {city} is copied on this thread.",
         "We moved our office to {city} last year.",
         "Our colleague {given} will take over while I am away."]


def sentence(rnd):
    """One sentence of support-mail prose, no figures."""
    kind = rnd.random()
    if kind < 0.45:
        s = "%s %s %s." % (rnd.choice(OPENERS), rnd.choice(SUBJECTS), rnd.choice(FILLERS))
    elif kind < 0.8:
        s = "It seems %s %s, %s." % (rnd.choice(SUBJECTS), rnd.choice(VERBS), rnd.choice(FILLERS))
    else:
        s = rnd.choice(TAILS).format(city=rnd.choice(pf.CITIES), given=rnd.choice(pf.GIVEN))
    return s[0].upper() + s[1:]


def figure_sentence(rnd):
    """A sentence with a figure in it that is not PII."""
    return rnd.choice([
        "The total came to {price} on {date}.",
        "Your {order} ships on {date}.",
        "The call is at {time} on {date}.",
        "We refunded {price} for {order}.",
        "Reference {ref} was closed at {time}.",
        "The meeting moved to {time}, room 4.",
        "It costs {price} per seat, billed every 30 days.",
    ]).format(price=pf.price(rnd), date=pf.date_written(rnd), order=pf.order_number(rnd),
              time=pf.time_written(rnd), ref=pf.bad_card(rnd))


def pii_sentence(rnd):
    """A sentence with one PII item."""
    name = pf.person(rnd)
    return rnd.choice([
        "My card number is {card}, expiry 09/28.",
        "Please update the SSN on file to {ssn}.",
        "Send the refund to IBAN {iban} please.",
        "You can reach me at {email} or on {phone}.",
        "Call me on {phone} after {time}.",
        "The account holder is {name}, date of birth {dob}.",
        "Forward it to {email}.",
    ]).format(card=pf.card_number(rnd), ssn=pf.ssn(rnd), iban=pf.iban(rnd),
              email=pf.email(rnd, name), phone=pf.phone(rnd), time=pf.time_written(rnd),
              name=name, dob=pf.date_written(rnd, 1940, 2004))


def paragraph(rnd, pool):
    """Three to six sentences; about one in sixteen carries a figure."""
    out = []
    for _ in range(rnd.randint(3, 6)):
        out.append(figure_sentence(rnd) if rnd.random() < 0.06 else rnd.choice(pool))
    return " ".join(out)


def message(rnd, pool, budget):
    """One message; PII sentences added while budget (bytes owed) allows."""
    to, frm = pf.person(rnd), pf.person(rnd)
    parts = ["Subject: Re: %s" % rnd.choice(SUBJECTS), "",
             "%s %s," % (rnd.choice(["Hi", "Hello", "Dear"]), to.split()[0]), ""]
    for _ in range(rnd.randint(2, 5)):
        para = paragraph(rnd, pool)
        if rnd.random() < 0.12:
            para += " " + rnd.choice(pf.FOREIGN)
        parts += [para, ""]
    text = "\n".join(parts)
    while budget[0] >= 2048:
        text += pii_sentence(rnd) + "\n"
        budget[0] -= 2048
    text += "\n%s,\n%s\n\n" % (rnd.choice(["Best regards", "Thanks", "Cheers", "Kind regards"]), frm)
    return text


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_corpus.py OUT [MEGABYTES]")
    want = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 110 * 10**6
    rnd = random.Random(SEED)
    pool = [sentence(rnd) for _ in range(20000)]
    budget, written = [0], 0
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        while written < want:
            m = message(rnd, pool, budget)
            n = len(m.encode("utf-8"))
            budget[0] += n
            written += n
            out.write(m)
    os.replace(tmp, sys.argv[1])


if __name__ == "__main__":
    main()
