"""Tests for nlp.redact: PII redaction of customer free text before it is stored.

The labelled sample below was written before the name rules were implemented and
has not been edited to fit them; a snippet's expected PII is what a careful human
reviewer would remove, and tricky negatives are things a human would keep.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nlp.redact import PLACEHOLDERS, Redaction, Redactor

# --------------------------------------------------------------------------------------
# Labelled sample: (text, {placeholder: [raw PII substrings]}). Empty dict = no PII.
# --------------------------------------------------------------------------------------

LABELLED: list[tuple[str, dict[str, list[str]]]] = [
    # emails
    (
        "Great blender, arrived in 2 days. Contact me at jane.doe@gmail.com if you need "
        "more feedback.",
        {"EMAIL": ["jane.doe@gmail.com"]},
    ),
    (
        "Order #A-20931 was missing a part. Email me: m.khan+orders@outlook.co.uk",
        {"EMAIL": ["m.khan+orders@outlook.co.uk"]},
    ),
    ("Email support@shop.com did nothing for me", {"EMAIL": ["support@shop.com"]}),
    ("my email is tom.baker1985@hotmail.com pls reply", {"EMAIL": ["tom.baker1985@hotmail.com"]}),
    ("Paypal refund went to l.martin@gmx.de days later", {"EMAIL": ["l.martin@gmx.de"]}),
    # phones
    (
        "Please call me back on 07700 900123, nobody answered my emails.",
        {"PHONE": ["07700 900123"]},
    ),
    ("My number is +44 20 7946 0958 - the courier never rang.", {"PHONE": ["+44 20 7946 0958"]}),
    ("Call me at (555) 123-4567 after 6pm please", {"PHONE": ["(555) 123-4567"]}),
    ("Texted 555-123-4567 twice, no reply from the store", {"PHONE": ["555-123-4567"]}),
    (
        "You can reach me on +1-202-555-0173 or at ben_wright77@yahoo.com",
        {"PHONE": ["+1-202-555-0173"], "EMAIL": ["ben_wright77@yahoo.com"]},
    ),
    ("Called 0800 123 4567 three times, no answer", {"PHONE": ["0800 123 4567"]}),
    ("Reach me: +33 1 23 45 67 89 (evenings)", {"PHONE": ["+33 1 23 45 67 89"]}),
    ("New number 087 123 4567 if the courier needs it", {"PHONE": ["087 123 4567"]}),
    ("WhatsApp me on +91 98765 43210", {"PHONE": ["+91 98765 43210"]}),
    (
        "Contact: j.smith@company.org / 020 7946 0018",
        {"EMAIL": ["j.smith@company.org"], "PHONE": ["020 7946 0018"]},
    ),
    # cards
    (
        "Ruined my weekend. Charged twice on card 4111 1111 1111 1111, refund please",
        {"CARD": ["4111 1111 1111 1111"]},
    ),
    (
        "I paid with 5500-0000-0000-0004 and got charged $89.99 instead of $59.99",
        {"CARD": ["5500-0000-0000-0004"]},
    ),
    (
        "Card 3782 822463 10005 was declined twice but money left my account",
        {"CARD": ["3782 822463 10005"]},
    ),
    ("Used my visa 4012888888881881 and it failed at checkout", {"CARD": ["4012888888881881"]}),
    # IBANs
    (
        "The refund should go to IBAN GB82 WEST 1234 5698 7654 32, not back to my card.",
        {"IBAN": ["GB82 WEST 1234 5698 7654 32"]},
    ),
    (
        "Bank details for the refund: DE89 3704 0044 0532 0130 00",
        {"IBAN": ["DE89 3704 0044 0532 0130 00"]},
    ),
    (
        "Refund to FR14 2004 1010 0505 0001 3M02 606 please",
        {"IBAN": ["FR14 2004 1010 0505 0001 3M02 606"]},
    ),
    # IPs
    ("Couldn't log in from 192.168.1.24, the site kept blocking me", {"IP": ["192.168.1.24"]}),
    (
        "Your server 2001:db8:85a3::8a2e:370:7334 returned a 502 error",
        {"IP": ["2001:db8:85a3::8a2e:370:7334"]},
    ),
    ("ip was 10.0.0.138 when the checkout failed", {"IP": ["10.0.0.138"]}),
    # URLs with personal paths / queries
    (
        "Track my order here https://shop.com/account/orders?id=123&email=jane%40gmail.com "
        "it still says pending",
        {"URL": ["https://shop.com/account/orders?id=123&email=jane%40gmail.com"]},
    ),
    (
        "Found my profile at https://facebook.com/jane.doe after the giveaway",
        {"URL": ["https://facebook.com/jane.doe"]},
    ),
    ("see http://x.com/u/12345 for my photos of the damage", {"URL": ["http://x.com/u/12345"]}),
    (
        "Refund link https://pay.shop.com/refund?token=abc123XYZ didn't work",
        {"URL": ["https://pay.shop.com/refund?token=abc123XYZ"]},
    ),
    # handles
    ("@sarah_bakes your cake tin recommendation was spot on", {"HANDLE": ["@sarah_bakes"]}),
    ("Shout out to @TescoHelp for sorting my refund in 24h", {"HANDLE": ["@TescoHelp"]}),
    (
        "omg @jenny_k look at this https://instagram.com/p/Cx9Ab12",
        {"HANDLE": ["@jenny_k"], "URL": ["https://instagram.com/p/Cx9Ab12"]},
    ),
    # names
    (
        "Hi, my name is Priya Sharma and I'm still waiting for my refund.",
        {"NAME": ["Priya Sharma"]},
    ),
    ("The replacement arrived and works perfectly. Thanks, Tom", {"NAME": ["Tom"]}),
    (
        "Dear Sarah, the dress didn't fit. Regards, Emily Clarke",
        {"NAME": ["Sarah", "Emily Clarke"]},
    ),
    (
        "The driver, Mohammed, was really polite and carried it upstairs.",
        {"NAME": ["Mohammed"]},
    ),
    ("Ask for Lucy at the Leeds branch, she sorted everything out", {"NAME": ["Lucy"]}),
    ("I'm Olga and this is my third order this month", {"NAME": ["Olga"]}),
    (
        "Hello Kevin, the parcel was left in the rain again. Cheers, Dave",
        {"NAME": ["Kevin", "Dave"]},
    ),
    ("Spoke to Aisha on the phone and she was brilliant", {"NAME": ["Aisha"]}),
    ("Customer service rep Daniel promised a call back that never came", {"NAME": ["Daniel"]}),
    ("Loved the colour. - Hannah", {"NAME": ["Hannah"]}),
    ("My cousin Jack recommended this shop", {"NAME": ["Jack"]}),
    ("Great customer service from Chloe at the Bristol store!", {"NAME": ["Chloe"]}),
    ("Posted by Chris Evans on 3 March: broken on arrival", {"NAME": ["Chris Evans"]}),
    ("Kind regards, Anna", {"NAME": ["Anna"]}),
    ("Bought for my daughter Isla's birthday, she loves it", {"NAME": ["Isla"]}),
    ("Charlotte from customer care called me back within an hour", {"NAME": ["Charlotte"]}),
    (
        "This is Ahmed, I ordered the grey sofa (order 88213) and it came damaged",
        {"NAME": ["Ahmed"]},
    ),
    ("Helpful staff in Manchester, especially Sophie and Liam", {"NAME": ["Sophie", "Liam"]}),
    # tricky negatives: nothing here is PII
    ("Delivery took 3 days, 5 stars, order of 2 items for $45.99", {}),
    ("Ordered from www.shop.com and it came fast", {}),
    ("Check https://shop.com/ for the sale, 20% off this week", {}),
    ("Instructions at https://shop.com/help/returns were clear", {}),
    ("Will do! Ordering again next week.", {}),
    ("May I say this is the best kettle I have ever owned", {}),
    ("June delivery slot was fine, no complaints", {}),
    ("Grace period for returns is only 14 days, too short", {}),
    ("Hope they restock the blue one soon", {}),
    ("Mark my words, this vacuum will outlast us all", {}),
    ("Apple charger sold separately, bit annoying. 4/5", {}),
    ("Bought it on Amazon for £24.99 in March 2023", {}),
    ("Order number 112-3344556-7788990 still not shipped", {}),
    ("Product code SKU-88421-B, size 10, colour navy", {}),
    ("Rated 4/5 - would be 5/5 if the lid closed properly", {}),
    ("Delivered to the depot in SW1A 1AA on 12/03/2024 but not to me", {}),
    ("Model year 2021, bought 2 of them in 2022", {}),
    ("Loved it!!! 10/10 would buy again", {}),
    ("Paid via card ending 4242, still charged a late fee", {}),
    ("The TV is 55 inch, 4K, 120Hz, great value at 499", {}),
    ("Version 2.3.1.4 of the app crashes on login", {}),
    ("Super fast delivery, thanks to the team in Glasgow", {}),
    ("Hi team, any update on order 55123?", {}),
    ("Dear Sir or Madam, I wish to complain about item 7731", {}),
    ("Absolutely love it, Joy to use every day", {}),
    ("Summer dress arrived in Winter, typical", {}),
    ("The Dyson V8 is better than this, 2/5", {}),
    ("Reviewed on 2024-01-15, still working fine in 2025", {}),
    ("Use code SAVE20 at checkout for 20% off", {}),
    ("Tracking number 1Z999AA10123456784 shows delivered, but nothing here", {}),
    ("Great Product, Will Buy Again", {}),
    ("Love This Kettle - Best Purchase Ever", {}),
    ("Thanks for the quick refund!", {}),
    ("Cheers for the free socks in the box", {}),
    ("Open 9-5 Monday to Friday, closed 25/12", {}),
    # Written after the first implementation passed the snippets above, as a held-out
    # check; scored as first run, not adjusted.
    ("Kudos to Marek in returns, sorted it in five minutes", {"NAME": ["Marek"]}),
    ("thanks so much jess!! love the earrings", {"NAME": ["jess"]}),
    ("Gave it to my wife Siobhan for Christmas and she adores it", {"NAME": ["Siobhan"]}),
    (
        "Not happy. Ring me 01632 960983 or email d.okafor@btinternet.com",
        {"PHONE": ["01632 960983"], "EMAIL": ["d.okafor@btinternet.com"]},
    ),
    ("Mobile: +353 87 123 4567", {"PHONE": ["+353 87 123 4567"]}),
    ("Please refund NL91 ABNA 0417 1643 00", {"IBAN": ["NL91 ABNA 0417 1643 00"]}),
    ("My mastercard 5105 1051 0510 5100 was charged £12 twice", {"CARD": ["5105 1051 0510 5100"]}),
    ("Review by Oluwaseun A. - five stars", {"NAME": ["Oluwaseun"]}),
    ("The box said Made in China, model XJ-2000, batch 4471-22", {}),
    ("Call centre closes at 8pm, lines open 8am", {}),
    ("We ordered 3 x 250g bags, £7.50 each, arrived 14.02.2024", {}),
    ("Ben & Jerry's tub was melted on arrival", {}),
    ("Victoria station pickup point was easy", {}),
    ("Matt finish looks cheap, expected gloss", {}),
    ("Hi Priyanka, any news on my replacement?", {"NAME": ["Priyanka"]}),
    ("Jordan 1s arrived with a scuffed toe", {}),
    ("cc @amazonhelp still no answer", {"HANDLE": ["@amazonhelp"]}),
    ("Login from 172.16.254.1 flagged as suspicious, was me", {"IP": ["172.16.254.1"]}),
    ("My IBAN is ES91 2100 0418 4502 0005 1332", {"IBAN": ["ES91 2100 0418 4502 0005 1332"]}),
    ("Anyone else's order from 10/05 still not here?", {}),
    (
        "The courier, a lovely guy called Tariq, waited while I found my keys",
        {"NAME": ["Tariq"]},
    ),
    (
        "Contact Mrs Patel on 0161 496 0000 for the spare key",
        {"NAME": ["Patel"], "PHONE": ["0161 496 0000"]},
    ),
    ("Email me back: hello@janedoe.design", {"EMAIL": ["hello@janedoe.design"]}),
    ("Reply to sam.o'connor@example.ie", {"EMAIL": ["sam.o'connor@example.ie"]}),
    (
        "Follow me at https://www.tiktok.com/@dancingdan for the unboxing",
        {"URL": ["https://www.tiktok.com/@dancingdan"]},
    ),
]

DIGIT_KINDS = {"PHONE", "CARD", "IBAN"}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _leaked(kind: str, raw: str, output: str) -> bool:
    """Whether any part of a raw PII value survives in the redacted output."""
    if raw in output:
        return True
    if kind == "NAME":
        return any(re.search(rf"\b{re.escape(word)}\b", output) for word in raw.split())
    if kind in DIGIT_KINDS:
        return _digits(raw) in _digits(output)
    return False


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


# --------------------------------------------------------------------------------------
# One test per entity kind
# --------------------------------------------------------------------------------------


def _assert_redacted(redactor: Redactor, text: str, raw: str, kind: str) -> Redaction:
    result = redactor.redact(text)
    assert not _leaked(kind, raw, result.text), (text, result.text)
    assert f"[{kind}]" in result.text, (text, result.text)
    assert result.counts.get(kind, 0) >= 1
    return result


@pytest.mark.parametrize(
    "email",
    [
        "jane.doe@gmail.com",
        "m.khan+orders@outlook.co.uk",
        "TOM_BAKER85@Hotmail.COM",
        "first-last@sub.example-shop.org",
    ],
)
def test_emails_are_replaced_by_a_placeholder(redactor: Redactor, email: str) -> None:
    _assert_redacted(
        redactor, f"Lovely mug!! write to me: {email} if stock returns", email, "EMAIL"
    )


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0958",
        "+1-202-555-0173",
        "(555) 123-4567",
        "020 7946 0958",
        "07700 900123",
        "555-123-4567",
        "+49 30 12345678",
        "+61 2 9876 5432",
        "01 23 45 67 89",
    ],
)
def test_phone_numbers_are_replaced_by_a_placeholder(redactor: Redactor, phone: str) -> None:
    _assert_redacted(
        redactor, f"Courier never called me on {phone} as promised. 2/5", phone, "PHONE"
    )


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "5500-0000-0000-0004", "4012888888881881", "3782 822463 10005"],
)
def test_luhn_valid_card_numbers_are_replaced_by_a_placeholder(
    redactor: Redactor, card: str
) -> None:
    result = _assert_redacted(redactor, f"Charged twice on {card} - refund please!", card, "CARD")
    assert "[PHONE]" not in result.text


@pytest.mark.parametrize(
    "card", ["1234 5678 9012 3456", "4111-1111-1111-1112", "4388 3478 01024", "6011916243271608"]
)
def test_card_numbers_failing_luhn_are_still_redacted(redactor: Redactor, card: str) -> None:
    # A mistyped or made-up number is still what the customer typed as their card.
    result = _assert_redacted(redactor, f"Charged on card {card} twice", card, "CARD")
    assert "[PHONE]" not in result.text


@pytest.mark.parametrize(
    "iban",
    ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "FR14 2004 1010 0505 0001 3M02 606"],
)
def test_ibans_are_replaced_by_a_placeholder(redactor: Redactor, iban: str) -> None:
    result = _assert_redacted(redactor, f"Please refund to {iban} thanks", iban, "IBAN")
    assert "[PHONE]" not in result.text and "[CARD]" not in result.text


@pytest.mark.parametrize(
    "iban", ["GB00 WEST 1234 5698 7654 32", "xx12 3456 7890 1234 56", "de89370400440532013001"]
)
def test_ibans_with_wrong_checksum_or_country_are_still_redacted(
    redactor: Redactor, iban: str
) -> None:
    result = _assert_redacted(redactor, f"Refund to {iban} please", iban, "IBAN")
    assert result.counts == {"IBAN": 1}


@pytest.mark.parametrize(
    "ip", ["192.168.1.24", "10.0.0.138", "2001:db8:85a3::8a2e:370:7334", "fe80::1"]
)
def test_ip_addresses_are_replaced_by_a_placeholder(redactor: Redactor, ip: str) -> None:
    _assert_redacted(redactor, f"Site blocked me from {ip} twice today", ip, "IP")


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.com/account/orders?id=123&email=jane%40gmail.com",
        "https://facebook.com/jane.doe",
        "http://x.com/u/12345",
        "www.instagram.com/jane_doe_88",
    ],
)
def test_urls_with_personal_paths_are_replaced(redactor: Redactor, url: str) -> None:
    _assert_redacted(redactor, f"my page {url} has photos of the damage", url, "URL")


# --------------------------------------------------------------------------------------
# Privacy by shape: what looks like personal data is redacted, valid or not
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "the.tam1@inbox.test",
        "henrik.quigley@mail.example",
        "x@nowhere.invalid",
        "JANE+news@Sub.Domain.example",
        '"john doe"@example.com',
        "ana@bücher.example",
        "user@xn--bcher-kva.example",
        "o'neil.k@shop.museum",
        "kim_lee@corp.technology",
        "user@[192.168.0.1]",
        "j@x.io",
    ],
)
@pytest.mark.parametrize("around", ["write to {} today", "mail <{}>, thanks", "({})", "'{}'."])
def test_emails_of_any_domain_and_punctuation_are_redacted(
    redactor: Redactor, email: str, around: str
) -> None:
    result = redactor.redact(around.format(email))
    assert email not in result.text
    assert result.counts == {"EMAIL": 1}


@pytest.mark.parametrize(
    "phone",
    [
        "+31 6 91756689",  # a mobile number outside the Dutch plan's allocations
        "55 3360 9913",
        "93-959-74-62",
        "(22) 464 64 19",
        "6319 3364",
        "512 831 015",
        "0044 20 7946 0958",
        "0049 (0)30 123456",
        "+49 (0)89 6933348",
        "030/1234567",
        "06.12.34.56.78",
        "+7 (912) 345-67-89",
        "+81 90-1234-5678",
        "555.123.4567 x12",
        "(02) 9876 5432 ext. 123",
        "+1 604 555 0226 x605",
        "+447911123456",
        "+55 21 99999-8888",
    ],
)
def test_phone_numbers_of_any_country_and_layout_are_redacted(
    redactor: Redactor, phone: str
) -> None:
    result = _assert_redacted(redactor, f"Please ring {phone} before delivering.", phone, "PHONE")
    assert result.counts == {"PHONE": 1}


@pytest.mark.parametrize(
    "text",
    [
        "My number is 5551234567, call after 6",
        "whatsapp me 9804022706",
        "Mobile: 07911123456",
    ],
)
def test_compact_numbers_named_as_phones_are_redacted(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).counts == {"PHONE": 1}


@pytest.mark.parametrize(
    "text",
    [
        "The Galaxy S23 case doesn't fit the S23 Ultra",
        "Model SM-G991B arrived with a cracked screen",
        "Version 10.0.19045.2965 installed overnight",
        "iOS 17.2.1 broke the widget",
        "Paid $1,234.56 for it, then £1 299 000 for the house lol",
        "Cost 1.299.000 VND in the end",
        "Order #1234567 never came, order number 12345678 neither",
        "Returned order 953919 on 31/12, refund 2 days later",
        "Meeting 2024-03-12 10:30-11:45 was moved",
        "Opening hours 09.00-17.30 daily",
        "Ordered at 23:59 on 20.06.24",
        "Years 2019 2020 2021 were good",
        "ISBN 978-3-16-148410-0 is the hardback",
        "EAN 4006381333931 scanned at the till",
        "Population 8 000 000 people, so many customers",
        "pi is 3.14159265, nerd alert",
        "Ordered 4 x 2L bottles and 3 x 250g bags",
        "Flat 4B, 221 Baker Street",
        "Loved the Ted Baker wash bag",
        "The Nike Air Max 90 in UK 9 is slightly tight",
        "Reservation for 8 at 20:30 on Jan 2024",
    ],
)
def test_numbers_and_words_that_only_resemble_pii_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


@pytest.mark.parametrize(
    "ip",
    [
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "2A00:23C5:F08F:4EC5:64C6:F32C:2540:2ADB",
        "fe80::d271:39b7:a873:152",
        "::1",
        "::ffff:192.0.2.128",
        "[2001:db8::1]:8080",
        "192.168.0.0/24",
    ],
)
def test_ipv6_and_other_address_forms_are_redacted(redactor: Redactor, ip: str) -> None:
    result = redactor.redact(f"Login from {ip} was not me")
    assert result.text == "Login from [IP] was not me"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/jane-doe-1234/",
        "https://twitter.com/janedoe",
        "www.facebook.com/profile.php?id=100004",
        "https://shop.example/account/orders/12345",
        "https://www.royalmail.com/track-your-item#/tracking-results/FG668669394GB",
        "https://www.icloud.com/photos/#0kDGziT0Hdw5SeoL3HixkhfH1",
        "https://www.threads.net/@mei.styles",
        "https://www.shop.example/wishlist/share/68f3e776dc",
    ],
)
def test_profile_order_and_tracking_urls_are_redacted(redactor: Redactor, url: str) -> None:
    result = redactor.redact(f"See {url} for details.")
    assert result.text == "See [URL] for details."


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Our waiter Andile was fantastic", "Andile"),
        ("Mrs de Jong in the pharmacy is lovely", "de Jong"),
        ("I'm writing on behalf of my father, Erik van der Berg, who can't", "Erik van der Berg"),
        ("Kind regards, Siti Aisyah binti Ahmad", "Siti Aisyah binti Ahmad"),
        ("Regards, Funmilayo Wong (funmilayo@web.example)", "Funmilayo Wong"),
        ("Booking was under Nowak, party of four", "Nowak"),
        ("Signed for by someone called Ngozi Müller??", "Ngozi Müller"),
        ("Oisín in customer care deserves a medal", "Oisín"),
        ("Spoke to Giulia N. Johansson in billing", "Giulia N. Johansson"),
    ],
)
def test_names_after_roles_titles_and_references_are_redacted(
    redactor: Redactor, text: str, name: str
) -> None:
    result = redactor.redact(text)
    assert not any(re.search(rf"\b{re.escape(w)}\b", result.text) for w in name.split()[-1:])
    assert name.split()[0] not in result.text
    assert result.counts.get("NAME") == 1


@pytest.mark.parametrize(
    "text",
    [
        "Ordered from www.shop.com",
        "Check https://shop.com/ for the sale",
        "Delivery took 3 days, 5 stars, order of 2 items for $45.99",
    ],
)
def test_text_without_pii_is_returned_unchanged(redactor: Redactor, text: str) -> None:
    result = redactor.redact(text)
    assert result.text == text
    assert result.counts == {}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, my name is Priya Sharma and I need help", "Priya Sharma"),
        ("Thanks, Tom", "Tom"),
        ("Dear Sarah, the parcel is late", "Sarah"),
        ("The courier was rude. Regards, Emily Clarke", "Emily Clarke"),
        ("I'm Olga and I love this", "Olga"),
        ("Quick delivery - Hannah", "Hannah"),
        ("Cheers, Will", "Will"),
        ("Spoke with Jessica Moore about the refund", "Jessica Moore"),
    ],
)
def test_person_names_are_replaced_by_a_placeholder(
    redactor: Redactor, text: str, name: str
) -> None:
    result = _assert_redacted(redactor, text, name, "NAME")
    assert result.counts["NAME"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "Will do, thanks!",
        "May arrive late, they said",
        "June was a busy month",
        "Mark the box as fragile next time",
        "Hope it lasts",
        "Amazon delivered it in a day",
        "Apple should make these",
    ],
)
def test_common_words_that_are_also_first_names_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


def test_social_handles_are_replaced_by_a_placeholder(redactor: Redactor) -> None:
    result = redactor.redact("@jenny_k look at this!! cc @TescoHelp")
    assert result.text == "[HANDLE] look at this!! cc [HANDLE]"
    assert result.counts == {"HANDLE": 2}


def test_counts_report_each_placeholder(redactor: Redactor) -> None:
    result = redactor.redact("Mail a@b.com or c@d.org, phone +44 20 7946 0958")
    assert result.counts == {"EMAIL": 2, "PHONE": 1}
    assert set(result.counts) <= set(PLACEHOLDERS)


# --------------------------------------------------------------------------------------
# Layouts and cues beyond the first sample, and names that are really brands
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        "5274  1180  3321  9067",  # padded with double spaces
        "5274/1180/3321/9067",
        "5274.1180.3321.9067",
        "5274 / 1180 / 3321 / 9067",
        "5274\u00a01180\u00a03321\u00a09067",  # no-break spaces, as pasted from a web page
        "3852 004137 6628",  # Diners 4-6-4
        "6304 0000 0000 0000 018",  # 19 digits
    ],
)
def test_card_numbers_in_any_consistent_grouping_are_redacted(
    redactor: Redactor, card: str
) -> None:
    result = _assert_redacted(
        redactor, f"Customer: my card is {card}, please cancel it", card, "CARD"
    )
    assert "[PHONE]" not in result.text


def test_a_list_of_years_is_not_a_card(redactor: Redactor) -> None:
    text = "Bought one every year: 2021/2022/2023/2024, never a fault"
    assert redactor.redact(text).text == text


@pytest.mark.parametrize(
    "text",
    ["WhatsApp 21 9 6543 2109 after six", "mob 6 12 34 56 78", "Viber: 11 9 7654 3210"],
)
def test_a_one_digit_group_after_a_phone_word_is_part_of_the_number(
    redactor: Redactor, text: str
) -> None:
    result = redactor.redact(text)
    assert result.counts == {"PHONE": 1}, result
    assert not re.search(r"\d{3}", result.text)


def test_one_digit_groups_without_a_phone_word_are_scores(redactor: Redactor) -> None:
    text = "Ratings from the kids: 3 1 2 4 5 6 7"
    assert redactor.redact(text).text == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Me llamo Lindiwe Dube y no llegó el pedido.", "Lindiwe Dube"),
        ("Meu nome é Tiago Ferraz, o produto veio quebrado.", "Tiago Ferraz"),
        ("Je m'appelle Élodie Marchand, commande perdue.", "Élodie Marchand"),
        ("Ich heiße Jürgen Wendt und warte noch.", "Jürgen Wendt"),
        ("Mi chiamo Giulia Ferrante, ordine arrivato rotto.", "Giulia Ferrante"),
        ("Mijn naam is Sanne Bakker, geen levering.", "Sanne Bakker"),
        ("Nazywam się Zofia Wrona, paczka nie dotarła.", "Zofia Wrona"),
        ("Jag heter Linnea Holm och vill ha pengarna tillbaka.", "Linnea Holm"),
    ],
)
def test_self_introductions_in_other_languages_are_redacted(
    redactor: Redactor, text: str, name: str
) -> None:
    result = _assert_redacted(redactor, text, name, "NAME")
    assert result.counts == {"NAME": 1}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Account holder Kofi Boateng, please call back", "Kofi Boateng"),
        ("Cardholder: Adaeze Okoye. Charged twice.", "Adaeze Okoye"),
        ("From: Min-seo Kang <mk@example.test>", "Min-seo Kang"),
        ("Tran Van Duc <tvd@mail.test> wrote: still broken", "Tran Van Duc"),
        ("Hi! Tran Van Duc here, quick question about the blender.", "Tran Van Duc"),
        ("Best regards,\nOluwatobi Adeyemi\n020 7946 0321", "Oluwatobi Adeyemi"),
        ("Thanks Chidera for sorting the refund", "Chidera"),
        ("My niece Maria Rose Adeyemi loved it", "Maria Rose Adeyemi"),
        ("Shout out to Zoë at the till", "Zoë"),
        ("O Sr. Tanaka prometeu a troca.", "Tanaka"),
    ],
)
def test_names_after_holders_headers_signatures_and_greetings_are_redacted(
    redactor: Redactor, text: str, name: str
) -> None:
    result = redactor.redact(text)
    assert not _leaked("NAME", name, result.text), result.text
    assert result.counts.get("NAME") == 1, result


@pytest.mark.parametrize(
    "text",
    [
        "The Sonic Pro Max blender is far too loud",  # a first name after a product word
        "Loved the Vortex Hue lamp, shame about the cable",
        "Fortnum & Mason hamper arrived squashed",  # an ampersand joins a firm's name
        "The Tom & Jerry mug was chipped",  # ... and an article makes the pair a product
        "a Calvin Klein belt, two sizes too big",  # an article makes it a modifier
        "Compré el Tommy Bahama y llegó roto",  # ... in other languages too
        "Returned the Dr. Scholl 200 insoles",  # a title with an article and a model number
        "Thanks, Happy Shopper",  # an ordinary word after a greeting
        "Dear Billing Team, please fix the invoice",  # a department
        "Thanks, Great product!",  # a sentence after a sign-off, not a signature
        "Sales here, your order has shipped.",
        "Product name: Nimbus Kettle, colour grey",  # a thing's name, not a person's
    ],
)
def test_brands_departments_and_phrases_named_like_people_are_kept(
    redactor: Redactor, text: str
) -> None:
    assert redactor.redact(text).text == text


def test_names_joined_by_an_ampersand_are_people(redactor: Redactor) -> None:
    result = redactor.redact("Tom & Sarah loved the hamper")
    assert result.text == "[NAME] & [NAME] loved the hamper"


def test_redaction_is_deterministic(redactor: Redactor) -> None:
    text, _ = LABELLED[9]
    assert redactor.redact(text) == redactor.redact(text) == Redactor().redact(text)


def test_redact_many_matches_redact(redactor: Redactor) -> None:
    texts = [text for text, _ in LABELLED]
    assert redactor.redact_many(texts) == [redactor.redact(text) for text in texts]


def test_init_only_stores_arguments() -> None:
    redactor = Redactor(detect_names=False, score_threshold=0.7)
    assert redactor.detect_names is False
    assert redactor.score_threshold == 0.7
    assert Redactor().redact("Thanks, Tom").text == "Thanks, [NAME]"
    assert redactor.redact("Thanks, Tom").text == "Thanks, Tom"


_OFFLINE_SCRIPT = """
import socket
import sys

def refuse(*args, **kwargs):
    raise AssertionError("network access attempted")

socket.socket.connect = refuse
socket.create_connection = refuse

from nlp.redact import Redactor

result = Redactor().redact("mail jane@gmail.com, call +44 20 7946 0958. Thanks, Tom")
assert result.counts == {"EMAIL": 1, "PHONE": 1, "NAME": 1}, result
# The word lists are read from data files: no NLP framework or SciPy is loaded.
heavy = {"spacy", "presidio_analyzer", "sklearn", "scipy", "torch"} & set(sys.modules)
assert not heavy, heavy
print(result.text)
"""


def test_building_and_using_the_engine_never_touches_the_network() -> None:
    # A fresh interpreter, so the engine is built here and not reused from other tests.
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    completed = subprocess.run(
        [sys.executable, "-c", _OFFLINE_SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "mail [EMAIL], call [PHONE]. Thanks, [NAME]"


# --------------------------------------------------------------------------------------
# Quality on the labelled sample
# --------------------------------------------------------------------------------------


def _score_sample(redactor: Redactor) -> dict[str, tuple[int, int, int]]:
    """Per placeholder: (true positives, false positives, false negatives)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    results = redactor.redact_many([text for text, _ in LABELLED])
    for (_, expected), result in zip(LABELLED, results, strict=True):
        for kind in PLACEHOLDERS:
            raws = expected.get(kind, [])
            found = sum(1 for raw in raws if not _leaked(kind, raw, result.text))
            hits = min(found, result.counts.get(kind, 0))
            tp[kind] += hits
            fn[kind] += len(raws) - hits
            fp[kind] += result.counts.get(kind, 0) - hits
    return {kind: (tp[kind], fp[kind], fn[kind]) for kind in PLACEHOLDERS}


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def test_precision_and_recall_on_labelled_sample(redactor: Redactor) -> None:
    scores = _score_sample(redactor)
    print("\nPII redaction on the labelled sample")
    print(f"{'entity':<8} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    recall: dict[str, float] = {}
    for kind, (tp, fp, fn) in scores.items():
        recall[kind] = _ratio(tp, tp + fn)
        print(
            f"{kind:<8} {tp:>4} {fp:>4} {fn:>4} {_ratio(tp, tp + fp):>10.2f} {recall[kind]:>8.2f}"
        )
    total_tp = sum(tp for tp, _, _ in scores.values())
    total_fp = sum(fp for _, fp, _ in scores.values())
    total_fn = sum(fn for _, _, fn in scores.values())
    overall_precision = _ratio(total_tp, total_tp + total_fp)
    print(
        f"{'all':<8} {total_tp:>4} {total_fp:>4} {total_fn:>4} {overall_precision:>10.2f} "
        f"{_ratio(total_tp, total_tp + total_fn):>8.2f}"
    )
    assert len(LABELLED) >= 60
    for kind in ("EMAIL", "PHONE", "CARD", "IBAN", "IP"):
        assert recall[kind] == 1.0, kind
    assert recall["NAME"] >= 0.8
    assert overall_precision >= 0.9


def test_negatives_in_sample_are_unchanged(redactor: Redactor) -> None:
    negatives = [text for text, expected in LABELLED if not expected]
    changed = [
        (t, r.text)
        for t, r in zip(negatives, redactor.redact_many(negatives), strict=True)
        if r.text != t
    ]
    print(f"\n{len(changed)}/{len(negatives)} negatives changed: {changed}")
    assert len(changed) <= len(negatives) // 10


# --------------------------------------------------------------------------------------
# Pre-filter: must never skip a text the full engine would change
# --------------------------------------------------------------------------------------


def test_prefilter_never_skips_what_the_full_engine_flags() -> None:
    fast = Redactor()
    full = Redactor(prefilter=False)
    edge_cases = [
        "Lovely mug fe80::1",
        "refund to DE89370400440532013000",
        "1.2.3.4",
        "see shop.io/u/99?x=1",
        "Regards, Zorblax",
        "my name is Zed Quux",
        "Returned on 18/10/2021, call 020 7946 0958",
        "Card 4111-1111-1111-1111 expires 12/2027",
        "mail the.tam1@inbox.test",
        "tel 55 3360 9913",
        "+31 6 91756689",
        "refund gb82west12345698765432",
        "from ::1",
        "card 4388 3478 01024",
        "https://t.example/en#nums=BU142058225CN",
        "Our waiter Andile was great",
        "Mrs de Jong helped",
    ]
    texts = [text for text, _ in LABELLED] + edge_cases
    expected = full.redact_many(texts)
    assert fast.redact_many(texts) == expected
    assert all(r.text != t for r, t in zip(expected[-len(edge_cases) :], edge_cases, strict=True))


# --------------------------------------------------------------------------------------
# Property-based tests
# --------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "great",
        "product",
        "fast",
        "delivery",
        "the",
        "box",
        "was",
        "damaged",
        "but",
        "refund",
        "arrived",
        "quickly",
        "love",
        "it",
        "would",
        "buy",
        "again",
        "five",
        "stars",
        "colour",
        "size",
        "fit",
        "returns",
        "courier",
        "parcel",
    ]
)
FILLER = st.lists(WORDS, min_size=0, max_size=8).map(" ".join)
SLOW_OK = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SLOW_OK
@given(text=st.text(max_size=300))
def test_redact_never_raises(redactor: Redactor, text: str) -> None:
    result = redactor.redact(text)
    assert isinstance(result.text, str)
    assert all(kind in PLACEHOLDERS and n > 0 for kind, n in result.counts.items())


@SLOW_OK
@given(text=st.text(alphabet=st.characters(codec="ascii"), max_size=120))
def test_prefilter_agrees_with_full_engine_on_random_ascii(redactor: Redactor, text: str) -> None:
    full = Redactor(prefilter=False)
    assert redactor.redact(text) == full.redact(text)


@st.composite
def luhn_cards(draw: st.DrawFn) -> str:
    """A Luhn-valid 16-digit Visa/Mastercard number in random grouping."""
    first = draw(st.sampled_from(["4", "51", "52", "53", "54", "55"]))
    body = first + "".join(
        draw(
            st.lists(
                st.sampled_from("0123456789"), min_size=15 - len(first), max_size=15 - len(first)
            )
        )
    )
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    number = body + str((10 - total % 10) % 10)
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


REGIONS = ["US", "GB", "DE", "FR", "IE", "AU", "CA", "IN"]
PHONE_TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
FORMATS = [
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
]


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    """A valid number from phonenumbers' per-region examples, in a random standard format."""
    region = draw(st.sampled_from(REGIONS))
    example = phonenumbers.example_number_for_type(region, draw(st.sampled_from(PHONE_TYPES)))
    assume(example is not None)
    return phonenumbers.format_number(example, draw(st.sampled_from(FORMATS)))


# st.emails() also yields RFC-valid oddities such as "/@gmail.com" (a local part of
# punctuation only), which nobody types as their address; customers' real
# addresses start and end their local part with a letter or digit.
_LOCAL_INNER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._+-", max_size=20)
_ALNUM = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
emails = st.builds(
    lambda first, inner, last, domain: f"{first}{inner}{last}@{domain}",
    _ALNUM,
    _LOCAL_INNER.filter(lambda s: ".." not in s),
    _ALNUM,
    st.sampled_from(["gmail.com", "shop.co.uk", "mail.example.org", "btinternet.com", "gmx.de"]),
)


@SLOW_OK
@given(
    before=FILLER,
    after=FILLER,
    pii=st.one_of(
        luhn_cards().map(lambda v: ("CARD", v)),
        phone_numbers().map(lambda v: ("PHONE", v)),
        emails.map(lambda v: ("EMAIL", v)),
    ),
)
def test_planted_pii_never_survives(
    redactor: Redactor, before: str, after: str, pii: tuple[str, str]
) -> None:
    kind, value = pii
    text = f"{before} {value} {after}".strip()
    output = redactor.redact(text).text
    assert value not in output
    if kind in DIGIT_KINDS:
        assert _digits(value) not in _digits(output)


_DIGIT = st.sampled_from("0123456789")
PHONE_LAYOUTS = [
    "+## ### ### ####",
    "+# ###-###-####",
    "+### ## ### ####",
    "+## (0)## ########",
    "00## ## #### ####",
    "0### ### ####",
    "0## #### ####",
    "(0##) ### ####",
    "(###) ###-####",
    "###-###-####",
    "###.###.####",
    "## #### ####",
    "### ## ## ##",
    "## ### ## ##",
    "0#-########",
    "0###/#######",
    "##.##.##.##.##",
    "#### ####",
]


@st.composite
def shaped_phones(draw: st.DrawFn) -> str:
    """A number in a common layout with random digits: allocation is never checked."""
    layout = draw(st.sampled_from(PHONE_LAYOUTS))
    first = draw(st.sampled_from("123456789"))
    number = "".join(draw(_DIGIT) if c == "#" else c for c in layout)
    return number.replace("+0", f"+{first}", 1)


@st.composite
def shaped_cards(draw: st.DrawFn) -> str:
    """13-19 random digits (Luhn-valid or not), compact or grouped like a card."""
    length = draw(st.integers(13, 19))
    digits = "".join(draw(st.lists(_DIGIT, min_size=length, max_size=length)))
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(digits[i : i + 4] for i in range(0, length, 4))


@st.composite
def shaped_ibans(draw: st.DrawFn) -> str:
    """Country letters, check digits, an optional lettered bank code, digits; any case."""
    letters = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    country = "".join(draw(st.lists(letters, min_size=2, max_size=2)))
    bank = "".join(draw(st.lists(letters, min_size=0, max_size=4)))
    length = draw(st.integers(11, 30))
    account = "".join(draw(st.lists(_DIGIT, min_size=length - len(bank), max_size=length)))
    iban = country + "".join(draw(st.lists(_DIGIT, min_size=2, max_size=2))) + bank + account
    iban = iban[: 4 + length]
    if draw(st.booleans()):
        iban = iban.lower()
    return (
        " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if draw(st.booleans()) else iban
    )


reserved_emails = st.builds(
    lambda first, inner, last, label, tld: f"{first}{inner}{last}@{label}.{tld}",
    _ALNUM,
    _LOCAL_INNER.filter(lambda s: ".." not in s),
    _ALNUM,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12).filter(
        lambda s: s[0] != "-" and s[-1] != "-"
    ),
    st.sampled_from(["test", "example", "invalid", "localhost", "x", "museum", "technology"]),
)


@SLOW_OK
@given(
    before=FILLER,
    after=FILLER,
    pii=st.one_of(
        shaped_cards().map(lambda v: ("CARD", v)),
        shaped_phones().map(lambda v: ("PHONE", v)),
        shaped_ibans().map(lambda v: ("IBAN", v)),
        reserved_emails.map(lambda v: ("EMAIL", v)),
    ),
)
def test_planted_pii_of_any_validity_never_survives(
    redactor: Redactor, before: str, after: str, pii: tuple[str, str]
) -> None:
    kind, value = pii
    # An id word right before a number ("parcel 1000 0000", "product 4111...") names
    # it as a code, which is kept on purpose; so the filler ends its own sentence.
    text = f"{before}. {value} {after}".strip(". ")
    output = redactor.redact(text).text
    assert value not in output, (text, output)
    if kind in DIGIT_KINDS:
        assert _digits(value) not in _digits(output), (text, output)


# --------------------------------------------------------------------------------------
# Names in casual, shouted and unfamiliar forms; products and places named like people
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("cheers a lot oksana, see you tmrw", "oksana"),
        ("ok ty dragan, all sorted now", "dragan"),
        ("thanks for all your help kasia!", "kasia"),
        ("heya its jonas again, still no parcel", "jonas"),
        ("im yusuf, ordered on monday", "yusuf"),
        ("Regards, tendai (sent from my phone)", "tendai"),
    ],
)
def test_lower_case_names_after_casual_cues_are_redacted(
    redactor: Redactor, text: str, name: str
) -> None:
    result = redactor.redact(text)
    assert re.search(rf"\b{name}\b", result.text) is None, result.text
    assert result.counts.get("NAME") == 1, result


@pytest.mark.parametrize(
    "text",
    [
        "hey its me again, still no parcel",
        "thanks so much guys, fab service",
        "ok thx anyway, will try later",
        "hola amigos, el envío llegó tarde",
        "its battery died after a week",
        "cheers, great stuff",
    ],
)
def test_lower_case_words_after_casual_cues_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("MY NAME IS PRIYA RAMASWAMY AND NOBODY CALLED ME BACK", "PRIYA RAMASWAMY"),
        ("Contact: TOMAS NAVRATIL", "TOMAS NAVRATIL"),
        ("WHY DID NOBODY TELL OLIVIA ABOUT THE DELAY", "OLIVIA"),
    ],
)
def test_shouted_names_are_redacted_in_full(redactor: Redactor, text: str, name: str) -> None:
    result = redactor.redact(text)
    assert not any(part in result.text for part in name.split()), result.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Our courier guy, Tavita, left it with the neighbour.", "Tavita"),
        ("Photos by Kealoha: the lamp is lovely", "Kealoha"),
        ("I'm Taniela Fifita, order still missing.", "Taniela Fifita"),
        ("Agent: May I have your name?\nCustomer: Mthunzi Zulu", "Mthunzi Zulu"),
        ("Please refund to the same card. Nikora Tane", "Nikora Tane"),
        ("Yours faithfully,\nIgnacio Robles", "Ignacio Robles"),
        ("— Tavita", "Tavita"),
    ],
)
def test_names_no_dictionary_holds_are_redacted_after_strong_cues(
    redactor: Redactor, text: str, name: str
) -> None:
    result = redactor.redact(text)
    assert not _leaked("NAME", name, result.text), result.text


@pytest.mark.parametrize(
    "text",
    [
        "Sophie Harrow scarf faded after one wash",  # a product noun after the name
        "Oliver Grant trainers came apart, size 42",
        "Lucy Marlowe candles were smoky and burnt unevenly",  # a plural subject, then its verb
        "Aunt Mabel's fudge tin was dented",  # a capitalised role and a possessive product
        "Granny Annie's Best jam jar lid was loose",  # possessive, then a product line
        "Emma Lane 250 ml lotion leaked",  # a quantity
        "Philips Lucas bulbs stopped working",  # a brand word before the name
        "Savannah, GA branch was closed at noon",  # a place with its region code
        "Got 3 Henrys for the price of 2",  # a quantity before it
        "Greetings! Salut, the parcel came early",  # a greeting of another language
    ],
)
def test_products_and_places_named_like_people_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sophie helped me swap the size", "Sophie"),
        ("Sophie knows her stuff, ask for her", "Sophie"),
        ("Pls let Rebecca know the sofa came", "Rebecca"),
        ("Dr. Okonkwo's clinic recommended them", "Okonkwo"),
        ("Frau Albrecht war sehr hilfsbereit.", "Albrecht"),
    ],
)
def test_people_doing_things_are_still_names(redactor: Redactor, text: str, name: str) -> None:
    result = redactor.redact(text)
    assert name not in result.text, result.text


@pytest.mark.parametrize(
    "text",
    [
        "Order 2023-11-0457 arrived without the charger",  # a date-stamped reference
        "Bestellnummer 58812347, Lieferung fehlt",  # an id compound in another language
        "Part number XR 07-5521-309 does not fit",  # a part number with a code
        "UPC 036000291452 scans as another product",  # a barcode with its check digit
        "Agent: What is your order number?\nCustomer: 5512309",  # the answer to an id question
    ],
)
def test_references_and_barcodes_are_not_phone_numbers(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


def test_a_barcode_that_passes_the_card_check_is_not_a_card(redactor: Redactor) -> None:
    # Both check digits right: named as a barcode, it is a barcode.
    text = "EAN 4006381333931 on the box, wrong flavour inside"
    assert redactor.redact(text).text == text


def test_a_card_grouped_six_then_thirteen_is_redacted(redactor: Redactor) -> None:
    _assert_redacted(
        redactor, "Pay with 621483-0192837465012 please", "621483-0192837465012", "CARD"
    )


def test_a_phone_answer_in_a_chat_is_still_a_phone(redactor: Redactor) -> None:
    text = "Agent: What number can we call you on?\nCustomer: 5512309"
    assert redactor.redact(text).counts == {"PHONE": 1}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Our tour operator Oluwaseun Bello was brilliant", ["Oluwaseun", "Bello"]),
        ("The buyer Radoslava cancelled twice", ["Radoslava"]),
        ("the cleaner svetlana left the flat spotless", ["svetlana"]),
        ("Paid it to Teodora Vasquez, our landlord, in cash", ["Teodora", "Vasquez"]),
        ("talked to mirela at the front", ["mirela"]),
        ("Grazie a Oyelaran per la pazienza.", ["Oyelaran"]),
        ("Obrigado Bongani pela ajuda!", ["Bongani"]),
        ("El señor Valtonen fue muy amable.", ["Valtonen"]),
        ("Refilwe Dube, +44 7700 900456, for the pickup", ["Refilwe", "Dube"]),
        ("Cheers, Kagiso Mokoena (kagiso@example.test)", ["Kagiso", "Mokoena"]),
        ("cheers tomasz +48 601 234 567", ["tomasz"]),
        ("xx priyanka", ["priyanka"]),
        ("After the delay, Oyelaran apologised twice.", ["Oyelaran"]),
        ("Lukas and Nnamdi at the till were quick", ["Lukas", "Nnamdi"]),
        ("my nieces aigerim and dilnoza loved it", ["aigerim", "dilnoza"]),
        ("the lad who fitted it, dmitri, was ace", ["dmitri"]),
        ("its kwabena lol", ["kwabena"]),
        ("tatjana from the late shift sorted it", ["tatjana"]),
    ],
)
def test_names_after_roles_thanks_contacts_and_other_names_are_redacted(
    redactor: Redactor, text: str, names: list[str]
) -> None:
    result = redactor.redact(text).text
    assert "[NAME]" in result, result
    for name in names:
        assert name not in result, result


@pytest.mark.parametrize(
    "text",
    [
        "Sunday at St. Andrew's Day market was packed",  # a saint's day
        "The San Diego branch took ages",  # a saint's place
        "Queues at the Victoria Road branch again",  # a street
        "Shuttle to Gordon airport was late",  # a place word after the name
        "Our shop in Raleigh, North Carolina was shut",  # a town and its state
        "Hugo Boss wallet, stitching came loose",  # a compound product noun
        "Anna Sui handbag arrived scratched",  # a compound product noun
        "Ralph Lauren trousers, hem came undone",  # a plural before a comma
        "Jack Daniel Old Number whiskey was cheaper in town",  # a product line
        "Percy the Small Engine toy lost a wheel",  # a capitalised epithet
        "Tom and Jerry mug chipped in the post",  # a pair before a product noun
        "Ernst & Young's was closed today",  # a firm's possessive
        "Ask a Question about this product",  # an article after a reference word
        "Agent: Hello, how can I help?",  # a greeting after a speaker label
        "Before the Inter Miami match we ate here",  # a capitalised "-er" word inside a sentence
        "Viber: +44 7700 900123",  # an app before a number is no name
    ],
)
def test_places_holidays_and_product_lines_named_like_people_are_kept(
    redactor: Redactor, text: str
) -> None:
    result = redactor.redact(text)
    assert "NAME" not in result.counts, result.text


def test_agent_nouns_come_from_the_vocabulary() -> None:
    from nlp.redact.name_words import agent_nouns

    nouns = agent_nouns()
    assert {"seller", "planner", "rider", "buyer"} <= nouns
    assert not {"never", "other", "after"} & nouns  # no word, or a function word, before -er
