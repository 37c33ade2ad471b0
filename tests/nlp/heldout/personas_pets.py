"""Synthetic customers of "PawPantry", an online pet-supplies shop.

PawPantry sells dog and cat food, toys, grooming kit, vet-prescribed diets and
"autoship" subscriptions (repeat deliveries of the same items). This module
plants SEVEN customer personas, each with its own behaviour profile and its own
subjects to write about (reviews, survey answers, social posts, support
messages). It is written independently of the product under test and uses only
the standard library, numpy and pandas.

Personas (key, approximate share of customers):

* ``autoship_dog_food`` (20%) - loyal dog-food subscribers. Order often
  (~11 orders a year), ordered recently, several active autoship items.
* ``lapsed_dog_food`` (11%) - occasional dog-food buyers drifting away. Few
  orders (~3-4 a year), last order months ago, almost no autoship items.
  -> BEHAVIOUR-ONLY PAIR: these two write texts drawn from exactly the same
     distribution (same dog-food fragment bank, mood mix, share of generic
     remarks, document kinds and counts). They differ only in orders_12m,
     days_since_last_order and autoship_items (total_spend follows from orders).
* ``delivery_packaging`` (13%) - write about couriers, parcels, tracking,
  crushed boxes and plastic packaging; mostly unhappy.
* ``toy_durability`` (15%) - write about toys: chewing, squeakers, whether a
  toy survives a power chewer; mixed moods.
  -> TEXT-ONLY PAIR: identical behaviour distributions (the same parameter
     set for every behaviour column); only their subjects (and mood mix) differ.
* ``vet_diet`` (6%) - owners of pets on prescription / veterinary diets
  (renal, urinary, hypoallergenic). High basket value, long tenure, very low
  discount use and returns, steady orders. Mostly content.
* ``grooming`` (10%) - shampoos, brushes, clippers, shedding and coats. Small
  baskets, high return rate, many app sessions. Mixed moods.
* ``deal_seekers`` (25%) - discount codes, vouchers, sales and prices. Very
  high discount share, small baskets, many app sessions, short tenure. Mostly
  unhappy.
  -> these last three differ from everybody by both text and behaviour.

Age and region are drawn from the same distribution for every persona.

Each customer writes 1-8 documents (about 4% write none). About 60-75% of a
customer's documents are about the persona's subjects; the rest are generic
remarks shared by all personas. About 15% of documents are survey answers
(question in ``question``, answer in ``text``); reviews carry a 1-5 rating.
"""

from __future__ import annotations

import datetime as _dt
import os
import re

import numpy as np
import pandas as pd

SHOP = "PawPantry"

PERSONAS: dict[str, list[str]] = {
    "autoship_dog_food": ["dog", "food", "kibble", "autoship", "subscription", "frequent", "loyal"],
    "lapsed_dog_food": ["dog", "food", "kibble", "lapsed", "inactive", "infrequent", "churn"],
    "delivery_packaging": [
        "delivery",
        "packaging",
        "courier",
        "parcel",
        "damaged",
        "late",
        "tracking",
    ],
    "toy_durability": ["toys", "toy", "chew", "durable", "squeaky", "play", "destroyed"],
    "vet_diet": ["vet", "prescription", "diet", "renal", "kidney", "allergy", "medical"],
    "grooming": ["grooming", "shampoo", "brush", "coat", "shedding", "clippers"],
    "deal_seekers": ["discount", "coupon", "voucher", "price", "sale", "deal", "bargain"],
}

# --------------------------------------------------------------------------
# Pets (shared fillers; singular so verbs agree)
# --------------------------------------------------------------------------
_DOGS = [
    "my lab",
    "our beagle",
    "my collie",
    "the puppy",
    "our rescue dog",
    "my old boy",
    "Bella",
    "Max",
    "our spaniel",
    "my husky",
    "our terrier",
    "my greyhound",
    "Milo",
    "Charlie",
    "Rocky",
    "our staffie",
    "the young dog",
    "my retriever",
    "Daisy",
    "our boxer",
]
_CATS = [
    "my cat",
    "the kitten",
    "our senior cat",
    "Luna",
    "Oscar",
    "my tabby",
    "our ragdoll",
    "Misty",
    "our rescue cat",
    "Tigger",
    "my old girl",
    "Smudge",
]
_ANY = _DOGS + _CATS

# --------------------------------------------------------------------------
# Persona fragment banks.  {t}=topic, {pet}=pet, {petp}=pet possessive
# --------------------------------------------------------------------------
_BANKS: dict[str, dict[str, list[str]]] = {}

_BANKS["dog_food"] = dict(
    pets=_DOGS,
    topics=[
        "the salmon and rice kibble",
        "the grain-free lamb recipe",
        "the large breed adult formula",
        "the puppy kibble",
        "the senior dog food",
        "the 12kg bag of chicken kibble",
        "the wet food in trays",
        "the tinned beef and veg",
        "the small bite kibble",
        "the high protein dry food",
        "the sensitive stomach formula",
        "the turkey and sweet potato mix",
        "the duck kibble",
        "the light formula for chunky dogs",
        "the working dog food",
        "the freeze-dried topper",
        "the raw-coated kibble",
        "the white fish dry food",
        "the 2kg trial bag",
        "the mixed case of pouches",
        "the lamb and brown rice kibble",
        "the dental kibble",
        "the venison recipe",
        "the own-brand dog food",
        "the chicken and gravy wet food",
        "the 15kg value sack of kibble",
        "the puppy wet food",
    ],
    pos=[
        "{pet} absolutely wolfs down {t}",
        "{t} has been great for {pet}, shiny coat and firm stools",
        "switched to {t} a few months ago and {pet} loves it",
        "{pet} licks the bowl clean every time with {t}",
        "really happy with {t}, {pet} has loads of energy on it",
        "{t} is the only food {pet} doesn't turn their nose up at",
        "{t} smells decent and the kibble size is just right for {pet}",
        "{pet} has kept a healthy weight since we moved to {t}",
        "honestly {t} is worth every penny, {pet} is thriving",
        "{t} settled {petp} tummy within a couple of weeks",
        "big fan of {t}, dinner is {petp} favourite part of the day",
        "{t} keeps {pet} full between meals without piling on weight",
        "{pet} sits and waits politely the second I open {t}",
    ],
    neu=[
        "{pet} eats {t} fine, nothing special to report",
        "{t} is ok, {pet} eats it but isn't super excited",
        "we're still moving {pet} onto {t}, too early to say",
        "{t} does the job, {pet} seems fine on it",
        "mixing {t} with the old food for now while {pet} adjusts",
        "{t} is about what you'd expect for the price",
        "{pet} eats {t} some days and leaves half of it on others",
        "no complaints about {t} so far, no raves either",
        "{t} seems comparable to the supermarket stuff",
        "trying {t} for {pet}, will update after a month",
        "{pet} has been on {t} for a while, stools normal, coat normal",
        "{t} is a standard dog food really, {pet} tolerates it",
    ],
    neg=[
        "{pet} refuses to touch {t}",
        "{t} gave {pet} an upset stomach for days",
        "the new recipe of {t} is different and {pet} won't eat it",
        "{t} made {pet} so gassy we had to switch back",
        "{pet} started scratching after a week on {t}",
        "the pieces in {t} are way too big for {pet}",
        "{t} smells off, not sure if this batch is bad",
        "{pet} was sick twice after eating {t}",
        "{t} is mostly filler, {pet} is hungry an hour later",
        "{pet} put on weight with {t} even on the recommended portion",
        "the last bag of {t} was full of dust and broken bits",
        "{t} changed formula without telling anyone and {pet} hates it",
    ],
    details=[
        "She's a 30kg lab so we go through a lot.",
        "He's nine now so we watch the protein.",
        "We feed twice a day, about 250g each.",
        "The portion guide on the back is helpful.",
        "We mix in a spoon of wet food at dinner.",
        "Poo quality is always the tell with him.",
        "Tried three brands before this one.",
        "Two dogs, both on the same food.",
        "Ingredients list starts with real meat, which I like.",
        "The bag reseals properly.",
        "Kibble stays crunchy right to the end of the bag.",
        "He's a very fussy eater.",
        "Our spaniel has a delicate tummy.",
        "We swap foods slowly over ten days.",
        "Feeding guide says 320g a day for her size.",
        "She used to leave food in the bowl.",
        "He's an active dog, we walk miles every day.",
        "Puppy is five months old.",
        "I keep it in an airtight bin.",
        "Cost per day works out okay.",
        "Protein is about 26 percent.",
        "We use a handful as training treats too.",
        "Our greyhound is a slow eater.",
        "Both dogs are neutered and put on weight easily.",
        "I check the best-before date on every bag.",
        "Coat is noticeably softer.",
        "We order the same bag every few weeks.",
    ],
    tags=["#dogfood", "#kibble", "#dogsofinstagram", "#happydog"],
)

_BANKS["delivery"] = dict(
    pets=_ANY,
    topics=[
        "my order",
        "the parcel",
        "the litter order",
        "the bulk food order",
        "the box of tins",
        "the delivery",
        "the package",
        "the shipment",
        "my last order",
        "the 20kg litter delivery",
        "the frozen food box",
        "the aquarium gravel order",
        "the order of litter and pouches",
        "the heavy sack of kibble",
        "the big box of treats",
        "yesterday's delivery",
        "the next-day order",
        "the weekend delivery",
        "the multi-item order",
        "the replacement parcel",
        "the double box order",
        "the hay and bedding order",
        "the order for the cat tree",
        "this week's parcel",
        "the order I placed on Monday",
    ],
    pos=[
        "{t} arrived a day early and well packed",
        "{t} came in sturdy packaging, nothing damaged",
        "the driver was lovely and carried {t} right to the door",
        "tracking for {t} was spot on to the hour",
        "{t} turned up in the promised slot",
        "love that {t} came in recyclable cardboard with no plastic",
        "{t} was left in the safe place exactly as requested",
        "next-day delivery actually meant next day for {t}",
        "the courier texted before dropping off {t}",
        "{t} was double-boxed so nothing leaked",
        "delivery of {t} was quick and painless",
        "{t} arrived neatly packed with the heavy stuff at the bottom",
    ],
    neu=[
        "{t} arrived on the estimated date",
        "{t} came in two separate parcels",
        "{t} went to a neighbour, which was fine",
        "tracking for {t} updated late but it got here",
        "{t} came in a box far bigger than needed",
        "{t} arrived, box a bit battered but contents ok",
        "the delivery window for {t} was quite wide",
        "{t} was left at the door without a knock",
        "{t} took the usual three days to arrive",
        "not sure why {t} was shipped from two warehouses",
        "{t} came stuffed with loads of paper padding",
        "the courier left a photo of {t} on the doorstep as proof",
    ],
    neg=[
        "{t} arrived three days late with no explanation",
        "the box for {t} was crushed and litter spilled everywhere",
        "{t} was marked delivered but never turned up",
        "the courier threw {t} over the gate",
        "{t} came with split bags and food all over the box",
        "tracking for {t} hasn't moved in a week",
        "{t} was left out in the rain and soaked through",
        "half of {t} was missing from the box",
        "the delivery slot for {t} was missed twice",
        "the tins in {t} were dented from terrible packing",
        "{t} was sent to the wrong address",
        "so much plastic wrapped round {t}, totally unnecessary",
    ],
    details=[
        "I'm on the third floor with no lift.",
        "Had to take a day off to wait in.",
        "The tracking page just says in transit.",
        "Nobody knocked and I was home all day.",
        "The box was soggy at the corners.",
        "I've had to chase this by email twice.",
        "The driver left it by the bins.",
        "The label was half torn off.",
        "Usually deliveries here are reliable.",
        "It came with a different courier this time.",
        "The outer carton had tape hanging off it.",
        "The collection point is 20 minutes away.",
        "I put the safe place in the delivery notes.",
        "Litter bags need stronger wrapping.",
        "There was a delivery note inside.",
        "Two of the tins were leaking.",
        "Got a text at 6am saying it was on its way.",
        "The arrival estimate changed three times.",
        "The cardboard is recyclable, which is good.",
        "They used paper tape instead of plastic.",
        "It's heavy so doorstep delivery really matters.",
        "The van came at 9pm.",
        "No dispatch email until the day after.",
        "The ice packs had fully melted.",
        "The returns label was missing from the box.",
        "The parcel was sitting in the porch for hours.",
    ],
    tags=["#delivery", "#parcel", "#packaging", "#courierfail"],
)

_BANKS["toys"] = dict(
    pets=_ANY,
    topics=[
        "the rope tug toy",
        "the squeaky hedgehog",
        "the rubber chew bone",
        "the treat-dispensing ball",
        "the feather wand",
        "the catnip mouse set",
        "the plush duck",
        "the frisbee",
        "the puzzle feeder",
        "the laser pointer",
        "the crinkle tunnel",
        "the so-called indestructible ball",
        "the tennis ball launcher",
        "the stuffed fox",
        "the rubber treat cone",
        "the cardboard scratcher",
        "the snuffle mat",
        "the squeaky pig",
        "the chew ring",
        "the fetch stick",
        "the puppy teething toy",
        "the battery mouse",
        "the crinkle fish",
        "the floating water toy",
        "the knotted rope ball",
        "the flirt pole",
    ],
    pos=[
        "{pet} has played with {t} every day for months",
        "{t} is still in one piece after some serious chewing",
        "{pet} goes absolutely crazy for {t}",
        "{t} keeps {pet} busy for ages while I work",
        "the squeaker in {t} survived way longer than expected",
        "{t} is tough as nails, best toy we've bought",
        "{pet} carries {t} everywhere, even to bed",
        "{t} has stopped {pet} chewing the sofa",
        "{t} is brilliant for a game of fetch in the park",
        "{pet} spent an hour working out {t}",
        "great value, {t} has outlasted everything else",
        "{t} is {petp} absolute favourite now",
    ],
    neu=[
        "{pet} plays with {t} now and then",
        "{t} is ok but {pet} lost interest after a week",
        "{t} is smaller than it looks in the photos",
        "{t} is fine for gentle play, not for heavy chewers",
        "{pet} likes {t} more than I expected, though it's getting worn",
        "{t} is decent, nothing amazing",
        "the stitching on {t} looks pretty average",
        "{t} is a nice idea but {pet} hasn't quite worked it out",
        "{t} squeaks a bit quieter than the old one",
        "{pet} ignores {t} unless I join in",
        "{t} is pretty standard for a toy at that price",
        "the colours on {t} faded quickly but it still gets played with",
    ],
    neg=[
        "{pet} destroyed {t} in ten minutes",
        "{t} fell apart on day one, stuffing everywhere",
        "the squeaker in {t} was out within an hour",
        "{t} says indestructible but {pet} had it in pieces by lunch",
        "bits of {t} came off and I worried {pet} would swallow them",
        "{t} split at the seam the first time we played tug",
        "{t} is flimsy plastic and cracked straight away",
        "{pet} chewed through {t} before we got home from the walk",
        "{t} smells strongly of chemicals",
        "{t} is a choking hazard, chunks broke off",
        "the rope on {t} unravelled in a day",
        "{t} lasted less than a week, waste of money",
    ],
    details=[
        "He's a staffie, a proper power chewer.",
        "Our cat does most of her playing at 3am.",
        "We rotate toys so they stay interesting.",
        "She's teething and chews everything.",
        "We always supervise with new toys.",
        "This is the third one we've bought.",
        "The squeak drives me mad but she loves it.",
        "Fetch in the garden every evening.",
        "Fits nicely in the toy basket.",
        "Floats in the lake, which is handy.",
        "He shreds anything with stitching.",
        "Good size for a medium dog.",
        "The rubber is nice and firm.",
        "Cats can be picky about toys.",
        "We stuff treats inside to keep it interesting.",
        "The tag says it's for aggressive chewers.",
        "Stuffing was all over the living room.",
        "Needed something to tire him out on rainy days.",
        "Her old favourite finally died.",
        "Bright colours make it easy to find in the grass.",
        "Apparently it's dishwasher safe.",
        "We have two dogs that play tug together.",
        "The catnip smell wore off quickly.",
        "The no-stuffing design is great.",
        "Keeps her brain busy.",
    ],
    tags=["#dogtoys", "#playtime", "#powerchewer", "#catplay"],
)

_BANKS["vet_diet"] = dict(
    pets=_ANY,
    topics=[
        "the renal support diet",
        "the hypoallergenic prescription food",
        "the urinary care formula",
        "the low-fat gastrointestinal diet",
        "the weight management prescription kibble",
        "the diabetic diet",
        "the hydrolysed protein food",
        "the joint support prescription diet",
        "the kidney care wet food",
        "the liver support diet",
        "the dental prescription kibble",
        "the prescription skin formula",
        "the thyroid care food",
        "the recovery diet",
        "the bladder stone dissolution diet",
        "the novel protein vet diet",
        "the cardiac support formula",
        "the low-phosphorus cat food",
        "the sensitivity control diet",
        "the metabolic diet",
        "the satiety support food",
        "the pancreatitis low-fat food",
        "the elimination diet kibble",
        "the mobility prescription food",
        "the renal wet food for cats",
    ],
    pos=[
        "{t} has made a real difference to {petp} bloodwork",
        "since starting {t} {petp} kidney values have stabilised",
        "{t} cleared up {petp} allergies after years of trouble",
        "so glad you stock {t}, the clinic charges far more",
        "the prescription check for {t} was quick and easy",
        "{pet} actually eats {t}, which is rare for a prescription food",
        "{t} has kept {petp} crystals away",
        "our vet is really pleased with how {pet} is doing on {t}",
        "{t} helped {pet} lose the weight the vet asked for",
        "{pet} has had no flare-ups since going on {t}",
        "a reliable supply of {t} is a lifesaver for us",
        "{t} arrived with the prescription already verified",
    ],
    neu=[
        "{pet} is on {t} on the vet's advice",
        "{t} is expensive but it's what the vet prescribed",
        "we're trialling {t} for eight weeks as an elimination diet",
        "{t} seems to be working, next blood test in a month",
        "{pet} tolerates {t} but isn't thrilled",
        "had to send the prescription again for {t}",
        "{t} is the same as the clinic sells, just delivered",
        "waiting to see if {t} helps {petp} digestion",
        "{pet} moved to {t} after the diagnosis",
        "{t} needs the vet authorisation renewed every six months",
        "{t} comes in smaller bags than I'd like",
        "the feeding amounts for {t} differ from the vet's sheet",
    ],
    neg=[
        "{t} was out of stock and {pet} can't go without it",
        "prescription approval for {t} took over a week",
        "{pet} won't eat {t} no matter what I mix in",
        "{t} is far too expensive for a lifelong diet",
        "you sent the wrong prescription diet instead of {t}",
        "{t} was discontinued with no warning and {pet} needs it",
        "{pet} had a flare-up when the {t} order was delayed",
        "the vet authorisation for {t} keeps getting rejected",
        "the recipe of {t} seems to have changed and {petp} symptoms are back",
        "we ran out of {t} because the repeat prescription lapsed",
        "the price of {t} went up again this month",
        "{t} arrived near its best before date, not ok for a medical food",
    ],
    details=[
        "She was diagnosed with chronic kidney disease last year.",
        "He has a severe chicken allergy.",
        "Our vet emailed the prescription over directly.",
        "We can't switch foods without vet approval.",
        "Bloods are checked every three months.",
        "He had bladder stones removed in spring.",
        "Cat is 14 and has early renal issues.",
        "She's diabetic and on insulin twice a day.",
        "We've been through two elimination trials.",
        "Pancreatitis scare last winter.",
        "Treats are off limits for him now.",
        "The specialist recommended this exact diet.",
        "Urine pH is finally in range.",
        "We need the food every single day, no gaps.",
        "Her target weight is 4.5kg.",
        "Insurance doesn't cover the food.",
        "He's had IBD since he was a kitten.",
        "The prescription is valid for six months.",
        "Urea levels have come down.",
        "We keep a food diary for the clinic.",
        "Any change in diet sets her off.",
        "He's on medication as well as the diet.",
        "The vet nurse suggested ordering online.",
        "Kidney values were borderline at the last check.",
        "We weigh every single portion.",
    ],
    tags=["#vetdiet", "#kidneycat", "#allergydog", "#seniorpet"],
)

_BANKS["grooming"] = dict(
    pets=_ANY,
    topics=[
        "the deshedding brush",
        "the oatmeal shampoo",
        "the nail clipper",
        "the slicker brush",
        "the dry shampoo foam",
        "the detangling spray",
        "the cordless clipper",
        "the grooming glove",
        "the puppy shampoo",
        "the flea comb",
        "the ear cleaner",
        "the paw balm",
        "the long-coat conditioner",
        "the undercoat rake",
        "the pack of grooming wipes",
        "the grooming table",
        "the whitening shampoo",
        "the nail grinder",
        "the dematting comb",
        "the coat spray",
        "the toothbrush kit",
        "the cat grooming brush",
        "the tear stain remover",
        "the spare clipper blade set",
        "the microfibre drying towel",
    ],
    pos=[
        "{t} pulled out a mountain of undercoat from {pet}",
        "{petp} coat is so soft after using {t}",
        "{t} made nail trims so much less stressful",
        "{t} smells lovely and the scent lasts for days",
        "{t} means we can skip the groomer between visits",
        "{pet} actually enjoys being brushed with {t}",
        "shedding round the house has halved since we started using {t}",
        "{t} is gentle on {petp} sensitive skin",
        "{t} gets through the mats without pulling",
        "{t} is quiet enough that {pet} doesn't panic",
        "{t} rinses out easily and {pet} comes out fluffy and clean",
        "brilliant results with {t}, looks like a salon job",
    ],
    neu=[
        "{t} works ok on short coats, less so on {petp}",
        "{t} is fine but the smell is a bit strong",
        "{t} does the job, just takes a while",
        "{pet} tolerates {t} with a few treats",
        "{t} is decent, battery life could be longer",
        "{t} leaves the coat clean but a little dry",
        "{t} is average, much like the supermarket one",
        "still learning to use {t} properly on {pet}",
        "{t} is a bit small for a big coat like {petp}",
        "{t} works but the handle is awkward",
        "have used {t} twice, too soon to judge",
        "{t} is alright for quick tidy-ups between grooms",
    ],
    neg=[
        "{t} pulled {petp} fur and made them yelp",
        "{t} gave {pet} a rash after one wash",
        "{t} is blunt and snags instead of cutting",
        "{t} broke after the second groom",
        "{t} is so loud that {pet} runs and hides",
        "{t} did nothing at all for the shedding",
        "{t} left {petp} coat greasy for days",
        "the bristles on {t} scratched {petp} skin",
        "{t} overheats after ten minutes",
        "{t} dried out {petp} skin and now it's flaky",
        "{t} smells like cheap perfume and irritated {petp} eyes",
        "the blade on {t} nicked {pet}, never again",
    ],
    details=[
        "She's a double-coated husky and sheds like mad.",
        "Poodle coat mats if we skip a day.",
        "We do a full groom every Sunday.",
        "The groomer is booked up for weeks.",
        "He hates having his paws touched.",
        "Long-haired cat, very prone to knots.",
        "Tried three brushes before this.",
        "We bath him once a month.",
        "Her skin is sensitive and itches easily.",
        "Spring moulting season is brutal.",
        "The hair gets everywhere, even in the butter.",
        "I do his nails myself now.",
        "Golden retriever, lots of feathering.",
        "He's a doodle so the coat is tricky.",
        "Towel first and then the blow dryer.",
        "Her tear stains are quite bad.",
        "We brush her teeth three times a week.",
        "The coat was very dull over winter.",
        "A full groom takes about 40 minutes.",
        "He rolls in fox poo regularly.",
        "Used to pay a groomer every six weeks.",
        "Cocker spaniel ears need regular cleaning.",
        "The undercoat comes out in clumps.",
        "Our shih tzu has so much hair.",
        "We groom in the garden to keep the mess outside.",
    ],
    tags=["#grooming", "#groomingday", "#shedding", "#fluffy"],
)

_BANKS["deals"] = dict(
    pets=_ANY,
    topics=[
        "the discount code",
        "the flash sale",
        "the multibuy offer",
        "the first order voucher",
        "the loyalty points scheme",
        "the price match",
        "the clearance section",
        "the bundle deal",
        "the free delivery threshold",
        "the buy one get one free offer",
        "the weekend promo",
        "the newsletter coupon",
        "the member price",
        "the Black Friday deal",
        "the app voucher",
        "the 20 percent off code",
        "the referral credit",
        "the half-price litter offer",
        "the birthday discount",
        "the bulk-buy price",
        "the spring sale",
        "the cashback offer",
        "the points multiplier",
        "the 3 for 2 on treats",
        "the welcome back coupon",
    ],
    pos=[
        "{t} saved me loads this month",
        "{t} made it cheaper than the supermarket",
        "grabbed {t} and stocked up for three months",
        "{t} actually worked first time at checkout",
        "can't beat {t}, cheapest I've found online",
        "{t} is the reason I keep shopping here",
        "stacked {t} with my points and paid almost nothing",
        "{t} brought the price of the big bag down nicely",
        "{t} was a genuinely good deal for once",
        "loved {t}, told all my friends about it",
        "{t} covered the delivery charge too",
        "{t} let me try a premium brand on a budget",
    ],
    neu=[
        "{t} was ok but the saving was small",
        "used {t}, not sure it beat other sites",
        "{t} only applies to certain brands",
        "{t} is fine but you have to spend a lot to use it",
        "{t} has far too many conditions in the small print",
        "compared prices and {t} is about average",
        "{t} was good but ended earlier than I thought",
        "waiting for {t} to come back before I reorder",
        "{t} is decent but other shops are similar",
        "{t} only works out cheaper on big orders",
        "would shop more often if {t} came round more",
        "{t} did get applied but I had to ask support",
    ],
    neg=[
        "{t} didn't work at checkout, kept saying invalid",
        "{t} is a con, prices went up right before the sale",
        "{t} expired before I could use it",
        "it's cheaper on other sites even without {t}",
        "{t} wasn't applied and I got charged full price",
        "{t} excluded almost everything I wanted",
        "{t} is a joke, the saving is pennies",
        "prices keep creeping up and {t} doesn't make up for it",
        "{t} vanished from my account",
        "{t} was advertised but everything was sold out",
        "{t} is only for new customers, loyal ones get nothing",
        "with {t} I still had to pay for delivery, pointless",
    ],
    details=[
        "I compare three sites before buying.",
        "With four cats the costs add up fast.",
        "I only buy when there's an offer on.",
        "Saved the code from the newsletter.",
        "Checked the price history and it was higher last week.",
        "Money is tight at the moment.",
        "The competitor had it for less.",
        "I wait for the monthly sale now.",
        "My points balance is nearly 2000.",
        "Free delivery over 40 is too high.",
        "Bought six bags to make the most of it.",
        "Same product, just cheaper elsewhere.",
        "Prices went up twice this year.",
        "My basket was just under the threshold.",
        "I screenshot the offer page just in case.",
        "Rescue dogs are expensive to feed.",
        "A cashback site gave me another 5 percent.",
        "Only downloaded the app for the voucher.",
        "I stock up whenever it's half price.",
        "Used my referral link on a friend.",
        "The supermarket own brand is half the cost.",
        "Always check clearance first.",
        "Prices should be clearer before checkout.",
        "Emailed to ask about price matching.",
        "The loyalty scheme used to be better.",
    ],
    tags=["#bargain", "#discountcode", "#savemoney", "#deals"],
)

# --------------------------------------------------------------------------
# Shared (generic) material
# --------------------------------------------------------------------------
_GENERIC = dict(
    pos=[
        "arrived on time, thanks",
        "great service as always",
        "easy to order, no issues at all",
        "all good, would recommend",
        "quick and easy, thank you",
        "very happy customer here",
        "the website is easy to use",
        "will definitely order again",
        "everything as described",
        "smooth experience from start to finish",
        "good shop, no complaints",
        "lovely customer service",
        "thanks for the fast dispatch",
        "five stars from me",
        "reliable as ever",
        f"always a pleasure ordering from {SHOP}",
        "friendly staff on the phone",
        "simple checkout, nice site",
        "got exactly what I needed",
        "keep up the good work",
    ],
    neu=[
        "ok I guess, nothing special",
        "it's fine I suppose",
        "about as expected really",
        "no strong feelings either way",
        "does what it says",
        "an average experience overall",
        "got what I ordered",
        "not bad, not great",
        "order received, all there",
        "fine for now",
        "same as last time",
        "nothing to report really",
        "it was alright",
        "standard service, nothing more",
        "we'll see how it goes",
        "no issues but nothing stood out",
        "the site is ok once you find things",
        "it's an online shop, it works",
    ],
    neg=[
        "not impressed this time",
        "customer service was slow to reply",
        "the website kept logging me out",
        "the app crashed during checkout",
        "disappointing overall",
        "expected a lot better",
        "took ages to get a reply",
        "not great, might shop elsewhere",
        "the order page is confusing",
        "had to contact support again",
        "meh, below average",
        "could be a lot better",
        "poor experience this time round",
        "something always seems to go wrong",
        "hard to find anything on the site",
        "the chat bot was useless",
    ],
)

_OPENERS = dict(
    pos=[
        "Honestly,",
        "So pleased:",
        "Quick review -",
        "Have to say,",
        "Really impressed.",
        "Update:",
        "Five stars.",
        "Can't fault it.",
        "Well,",
        "Happy days!",
    ],
    neu=[
        "Mixed feelings.",
        "So,",
        "Quick note:",
        "For what it's worth,",
        "Hmm.",
        "Right,",
        "Three stars.",
        "Just an update -",
        "Not sure yet.",
        "OK,",
    ],
    neg=[
        "Really disappointed.",
        "Not happy.",
        "Ugh.",
        "Warning to others:",
        "Sorry but",
        "Frustrated.",
        "One star.",
        "Seriously?",
        "Not again.",
        "Well that was bad.",
    ],
)
_CLOSERS = dict(
    pos=[
        "Will buy again.",
        "Highly recommend.",
        "Thanks!",
        "Keep it up.",
        "Very happy.",
        "Thank you so much.",
    ],
    neu=[
        "We'll see.",
        "Might try something else next time.",
        "It is what it is.",
        "Fine for now.",
        "Time will tell.",
        "Will update later.",
    ],
    neg=[
        "Please sort this out.",
        "Not ordering again.",
        "I want a refund.",
        "Very frustrating.",
        "Done with this.",
        "Not good enough.",
    ],
)
_SUPPORT_OPEN = ["Hi team,", "Hello,", "Hi there,", "Good morning,", "Hi,", "Dear support,", "Hey,"]
_SUPPORT_CLOSE = [
    "Order ref {ref}.",
    "Thanks, {name}",
    "Please advise.",
    "Can someone get back to me?",
    "My order number is {ref}.",
    "Regards, {name}",
    "Cheers, {name}",
]
_NAMES = [
    "Sam",
    "Priya",
    "Tom",
    "Jo",
    "Aisha",
    "Mark",
    "Helen",
    "Dan",
    "Chloe",
    "Raj",
    "Emma",
    "Gareth",
    "Lucy",
    "Ben",
    "Nadia",
    "Chris",
]
_GENERIC_TAGS = [
    "#petparents",
    "#dogsofinstagram",
    "#catsofinstagram",
    "#petlife",
    "#adoptdontshop",
]

_Q_POS = [
    "What do you like most about shopping with us?",
    "How likely are you to recommend us to a friend, and why?",
    "Tell us about your pet's experience with what you bought.",
    "Anything else you'd like to tell us?",
]
_Q_NEG = [
    "What could we do better?",
    "What almost stopped you from ordering?",
    "How was your most recent order?",
    "Anything else you'd like to tell us?",
]
_Q_NEU = _Q_POS + _Q_NEG[:3] + ["Is there anything you'd like us to stock?"]

_MOODS = ("pos", "neu", "neg")

# --------------------------------------------------------------------------
# Behaviour profiles
# orders: (mean, dispersion k) -> 1 + NB; basket: (median, sigma) lognormal;
# ret/disc: beta(a, b); tenure/days: (median, sigma) lognormal months/days;
# app: (mean, k) NB; autoship: Poisson mean.
# --------------------------------------------------------------------------
_BASE = dict(
    orders=(6.0, 4.0),
    basket=(45.0, 0.45),
    ret=(1.5, 20.0),
    disc=(2.0, 8.0),
    tenure=(18.0, 0.7),
    days=(40.0, 0.8),
    app=(5.0, 2.0),
    autoship=0.4,
)
_DOGFOOD = dict(
    basket=(55.0, 0.40), ret=(1.2, 25.0), disc=(2.0, 9.0), tenure=(24.0, 0.7), app=(4.0, 2.0)
)

_SPEC = {
    "autoship_dog_food": dict(
        share=0.20,
        bank="dog_food",
        mood=(0.50, 0.30, 0.20),
        topical=0.70,
        beh=dict(_DOGFOOD, orders=(11.0, 5.0), days=(20.0, 0.85), autoship=1.8),
    ),
    "lapsed_dog_food": dict(
        share=0.11,
        bank="dog_food",
        mood=(0.50, 0.30, 0.20),
        topical=0.70,
        beh=dict(_DOGFOOD, orders=(3.5, 3.0), days=(105.0, 0.85), autoship=0.15),
    ),
    "delivery_packaging": dict(
        share=0.13, bank="delivery", mood=(0.15, 0.25, 0.60), topical=0.72, beh=_BASE
    ),
    "toy_durability": dict(
        share=0.15, bank="toys", mood=(0.45, 0.25, 0.30), topical=0.68, beh=_BASE
    ),
    "vet_diet": dict(
        share=0.06,
        bank="vet_diet",
        mood=(0.55, 0.30, 0.15),
        topical=0.75,
        beh=dict(
            orders=(10.0, 8.0),
            basket=(95.0, 0.35),
            ret=(1.0, 40.0),
            disc=(1.0, 14.0),
            tenure=(36.0, 0.6),
            days=(22.0, 0.6),
            app=(3.0, 2.0),
            autoship=1.2,
        ),
    ),
    "grooming": dict(
        share=0.10,
        bank="grooming",
        mood=(0.40, 0.30, 0.30),
        topical=0.65,
        beh=dict(
            orders=(5.0, 3.0),
            basket=(38.0, 0.45),
            ret=(3.0, 11.0),
            disc=(2.0, 8.0),
            tenure=(14.0, 0.7),
            days=(50.0, 0.8),
            app=(9.0, 2.5),
            autoship=0.2,
        ),
    ),
    "deal_seekers": dict(
        share=0.25,
        bank="deals",
        mood=(0.25, 0.30, 0.45),
        topical=0.62,
        beh=dict(
            orders=(8.0, 3.0),
            basket=(28.0, 0.50),
            ret=(2.0, 14.0),
            disc=(6.0, 5.0),
            tenure=(10.0, 0.8),
            days=(30.0, 0.8),
            app=(14.0, 2.5),
            autoship=0.3,
        ),
    ),
}

_REGIONS = [
    "North East",
    "North West",
    "Midlands",
    "London",
    "South East",
    "South West",
    "Scotland",
    "Wales",
    "East Anglia",
]
_REGION_P = np.array([0.08, 0.12, 0.15, 0.17, 0.16, 0.10, 0.09, 0.05, 0.08])

_KINDS = ["review", "survey", "social", "support"]
_KIND_P = np.array([0.45, 0.15, 0.20, 0.20])
_NDOCS = np.arange(1, 9)
_NDOCS_P = np.array([0.21, 0.20, 0.16, 0.13, 0.10, 0.08, 0.07, 0.05])
_NO_DOCS = 0.04
_END_DATE = _dt.date(2025, 3, 31)


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------
def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _poss(pet: str) -> str:
    return pet + ("'" if pet.endswith("s") else "'s")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _fill(template: str, topic: str, pet: str) -> str:
    return template.replace("{t}", topic).replace("{petp}", _poss(pet)).replace("{pet}", pet)


_WORD = re.compile(r"[A-Za-z]{4,}")


def _typo(text: str, rng) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text
    m = words[int(rng.integers(len(words)))]
    w = m.group(0)
    i = int(rng.integers(1, len(w) - 1))
    op = int(rng.integers(3))
    if op == 0:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    elif op == 1:
        w2 = w[:i] + w[i + 1 :]
    else:
        w2 = w[:i] + w[i] + w[i:]
    return text[: m.start()] + w2 + text[m.end() :]


def _end(mood: str, rng) -> str:
    r = rng.random()
    if mood == "pos" and r < 0.3:
        return "!"
    if mood == "neg" and r < 0.2:
        return "!!" if r < 0.06 else "!"
    if mood == "neu" and r < 0.1:
        return "..."
    return "."


def _limit(sentences: list[str], lo: int = 5, hi: int = 60) -> list[str]:
    while len(sentences) > 1 and sum(len(s.split()) for s in sentences) > hi:
        sentences.pop(-2 if len(sentences) > 2 else -1)
    words = " ".join(sentences).split()
    if len(words) > hi:
        sentences = [" ".join(words[:hi])]
    return sentences


def _mood_of(rng, p) -> str:
    return _MOODS[int(rng.choice(3, p=p))]


def _persona_sentences(bank, mood, kind, rng) -> list[str]:
    pet = _pick(rng, bank["pets"])
    topic = _pick(rng, bank["topics"])
    i1 = int(rng.integers(len(bank[mood])))
    out = [_cap(_fill(bank[mood][i1], topic, pet)) + _end(mood, rng)]
    if rng.random() < 0.35:
        # second clause: same mood usually (another template), sometimes a contrasting one
        m2 = mood if rng.random() < 0.75 else _pick(rng, _MOODS)
        t2 = _pick(rng, bank["topics"])
        link = _pick(rng, ["Also", "And", "Plus", "On top of that", "Oh and", "Another thing"])
        if m2 != mood:
            link = _pick(rng, ["That said", "Although", "But", "Then again", "Mind you"])
        i2 = int(rng.integers(len(bank[m2])))
        if m2 == mood and i2 == i1:
            i2 = (i2 + 1 + int(rng.integers(len(bank[m2]) - 1))) % len(bank[m2])
        s2 = _fill(bank[m2][i2], t2, pet)
        out.append(
            f"{link}, {s2}{_end(m2, rng)}"
            if link not in ("And", "But", "Although")
            else f"{link} {s2}{_end(m2, rng)}"
        )
    n_det = int(rng.choice([0, 1, 2, 3], p=[0.30, 0.38, 0.22, 0.10]))
    if kind == "survey":
        n_det = min(n_det, 1)
    dets = bank["details"]
    idx = rng.permutation(len(dets))[:n_det]
    picked = [dets[i] for i in idx]
    if picked and rng.random() < 0.3:
        # context first: "He's a staffie, a proper power chewer. <core>"
        return [picked[0]] + out + picked[1:]
    return out + picked


def _generic_sentences(mood, rng) -> list[str]:
    bank = _GENERIC[mood]
    n = 1 if rng.random() < 0.55 else 2
    idx = rng.permutation(len(bank))[:n]
    return [_cap(bank[i]) + _end(mood, rng) for i in idx]


_PROPER = {n.split()[0] for n in _ANY if n[:1].isupper()} | {"I", "I'm", "I've", "I'd", SHOP}


def _attach(opener: str, text: str) -> str:
    """Glue an opener ("Hi team,", "Honestly,") to the text, fixing the case after a comma."""
    if not opener:
        return text
    first = text.split(" ", 1)[0].strip(".,!?")
    joins = opener[-1] in ",:-" or opener.endswith(" but")
    if joins and first not in _PROPER and first[:1].isupper() and not first[1:2].isupper():
        text = text[:1].lower() + text[1:]
    return f"{opener} {text}"


def _frame(sentences, mood, kind, bank_tags, rng) -> str:
    s = list(sentences)
    opener = ""
    if kind == "review":
        if rng.random() < 0.35:
            opener = _pick(rng, _OPENERS[mood])
        if rng.random() < 0.35:
            s.append(_pick(rng, _CLOSERS[mood]))
    elif kind == "social":
        if rng.random() < 0.3:
            opener = f"@{SHOP}"
        if rng.random() < 0.25:
            s.append(_pick(rng, _CLOSERS[mood]))
        tags = []
        if bank_tags and rng.random() < 0.4:
            tags.append(_pick(rng, bank_tags))
        if rng.random() < 0.3:
            tags.append(_pick(rng, _GENERIC_TAGS))
        if tags:
            s.append(" ".join(dict.fromkeys(tags)))
    elif kind == "support":
        opener = _pick(rng, _SUPPORT_OPEN)
        if rng.random() < 0.7:
            c = _pick(rng, _SUPPORT_CLOSE)
            s.append(
                c.format(ref=f"PP{int(rng.integers(100000, 999999))}", name=_pick(rng, _NAMES))
            )
    s = _limit(s, hi=60 - len(opener.split()))
    text = _attach(opener, " ".join(s))
    extra = [c for c in _CLOSERS[mood] if c not in text]
    while len(text.split()) < 5 and extra:
        text = text + " " + extra.pop(int(rng.integers(len(extra))))
    if kind in ("social", "survey") and rng.random() < 0.25:
        text = text.lower()
    if kind == "survey" and rng.random() < 0.3:
        text = text.rstrip(".")
    if rng.random() < 0.12:
        for _ in range(int(rng.integers(1, 3))):
            text = _typo(text, rng)
    return text


def _rating(mood, rng) -> int:
    if mood == "pos":
        r = 5 if rng.random() < 0.65 else 4
    elif mood == "neu":
        r = int(rng.choice([2, 3, 4], p=[0.2, 0.6, 0.2]))
    else:
        r = 1 if rng.random() < 0.6 else 2
    if rng.random() < 0.08:
        r += 1 if rng.random() < 0.5 else -1
    return int(min(5, max(1, r)))


# --------------------------------------------------------------------------
# Behaviour
# --------------------------------------------------------------------------
def _nb(rng, mean, k, size):
    return rng.negative_binomial(k, k / (k + mean), size=size)


def _behaviour(rng, b, n) -> dict[str, np.ndarray]:
    orders = 1 + _nb(rng, b["orders"][0] - 1.0, b["orders"][1], n)
    basket = rng.lognormal(np.log(b["basket"][0]), b["basket"][1], n)
    spend = np.round(orders * basket * rng.lognormal(0.0, 0.08, n), 2)
    avg_basket = np.round(spend / orders, 2)
    ret = np.round(rng.beta(*b["ret"], n), 3)
    disc = np.round(rng.beta(*b["disc"], n), 3)
    days = np.clip(np.round(rng.lognormal(np.log(b["days"][0]), b["days"][1], n)), 0, 364).astype(
        int
    )
    tenure = np.clip(
        np.ceil(rng.lognormal(np.log(b["tenure"][0]), b["tenure"][1], n)), 1, 144
    ).astype(int)
    tenure = np.maximum(tenure, days // 30 + 1)
    app = _nb(rng, b["app"][0], b["app"][1], n)
    autoship = rng.poisson(b["autoship"], n)
    return dict(
        orders_12m=orders,
        total_spend=spend,
        avg_basket=avg_basket,
        return_rate=ret,
        days_since_last_order=days,
        discount_share=disc,
        tenure_months=tenure,
        app_sessions_30d=app,
        autoship_items=autoship,
    )


def _counts(n: int) -> dict[str, int]:
    keys = list(_SPEC)
    raw = np.array([_SPEC[k]["share"] for k in keys]) * n
    c = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - c))[: n - c.sum()]:
        c[i] += 1
    return dict(zip(keys, c.tolist(), strict=False))


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def generate(
    n_customers: int = 2000, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """customers (customer_id + columns), documents (customer_id, text, rating, kind,
    question, created_at ISO date), truth (persona key indexed by customer_id)."""
    rng = np.random.default_rng(seed)
    counts = _counts(n_customers)
    labels = (
        np.concatenate([np.repeat(k, c) for k, c in counts.items()])
        if n_customers
        else np.array([], str)
    )
    labels = labels[rng.permutation(len(labels))]
    ids = rng.choice(np.arange(1000, 1000000), size=n_customers, replace=False)
    cust_ids = np.array([f"C-{i:06d}" for i in ids])

    cols: dict[str, np.ndarray] = {}
    names = None
    for key in _SPEC:
        mask = labels == key
        beh = _behaviour(rng, _SPEC[key]["beh"], int(mask.sum()))
        if names is None:
            names = list(beh)
            cols = {c: np.zeros(n_customers, dtype=beh[c].dtype) for c in names}
        for c in names:
            cols[c][mask] = beh[c]
    age = np.clip(np.round(rng.normal(42, 13, n_customers)), 18, 85).astype(int)
    region = np.array(_REGIONS)[rng.choice(len(_REGIONS), size=n_customers, p=_REGION_P)]
    customers = pd.DataFrame({"customer_id": cust_ids, "age": age, "region": region, **cols})

    rows = []
    span = 365
    for cid, key in zip(cust_ids, labels, strict=False):
        spec = _SPEC[key]
        bank = _BANKS[spec["bank"]]
        if rng.random() < _NO_DOCS:
            continue
        nd = int(rng.choice(_NDOCS, p=_NDOCS_P))
        for _ in range(nd):
            mood = _mood_of(rng, spec["mood"])
            kind = _KINDS[int(rng.choice(4, p=_KIND_P))]
            if rng.random() < spec["topical"]:
                sents = _persona_sentences(bank, mood, kind, rng)
                tags = bank["tags"]
            else:
                sents = _generic_sentences(mood, rng)
                tags = None
            text = _frame(sents, mood, kind, tags, rng)
            question = None
            if kind == "survey":
                question = _pick(rng, {"pos": _Q_POS, "neu": _Q_NEU, "neg": _Q_NEG}[mood])
            rating = _rating(mood, rng) if kind == "review" else None
            day = _END_DATE - _dt.timedelta(days=int(rng.integers(span)))
            rows.append((cid, text, rating, kind, question, day.isoformat()))
    documents = pd.DataFrame(
        rows, columns=["customer_id", "text", "rating", "kind", "question", "created_at"]
    )
    documents["rating"] = documents["rating"].astype("Int64")
    documents = documents.sort_values(["created_at", "customer_id"], kind="stable").reset_index(
        drop=True
    )

    truth = pd.Series(labels, index=pd.Index(cust_ids, name="customer_id"), name="persona")
    return customers, documents, truth


def write(folder, n_customers: int = 2000, seed: int = 0) -> None:
    """customers.csv, documents.csv, truth.csv (columns customer_id, persona)."""
    os.makedirs(folder, exist_ok=True)
    customers, documents, truth = generate(n_customers, seed)
    customers.to_csv(os.path.join(folder, "customers.csv"), index=False)
    documents.to_csv(os.path.join(folder, "documents.csv"), index=False)
    truth.rename("persona").reset_index().to_csv(os.path.join(folder, "truth.csv"), index=False)


if __name__ == "__main__":  # pragma: no cover
    import sys

    write(sys.argv[1] if len(sys.argv) > 1 else "pets_data")
