"""Synthetic customers for "Ridgeline Sports", a fictional home-fitness and
outdoor-sports retailer with a companion app.

Ridgeline sells running shoes, bikes, yoga gear and home-gym kit online and in
a handful of stores. Its workshop services bikes, and its app streams paid
fitness classes. Customers write product reviews, answer short surveys, post on
social media (tagging @ridgelinesports) and send support messages.

Seven planted personas (key: share of customers):

* ``running_regulars`` (18%): runners who write about running shoes
  (cushioning, grip, marathon and trail training). They buy often: many orders
  in the last 12 months, last order recently, frequent app use.
* ``running_lapsed`` (12%): runners whose texts come from EXACTLY the same
  distribution as ``running_regulars`` (same topic, same mood mix, same
  fragments). Only behaviour differs: one or two orders a year, last order
  months ago, little app use.
  -> ``running_regulars`` / ``running_lapsed`` is the BEHAVIOUR-ONLY pair
  (orders_12m, days_since_last_order, app_sessions_30d; total_spend_12m
  follows from orders).
* ``bike_workshop`` (14%): cyclists who write about the repair workshop
  (services, brakes, gears, mechanics, waiting times). Fairly unhappy.
* ``yoga_eco`` (10%): yoga and pilates practitioners who write about mats,
  grip and eco-friendly materials. Mostly happy.
  -> ``bike_workshop`` / ``yoga_eco`` is the TEXT-ONLY pair: their behaviour
  columns are drawn from one identical "mid-value customer" distribution.
* ``app_classes`` (25%): members of the in-app class subscription who write
  about live classes, instructors and streaming; very high app sessions and
  many classes booked, small baskets.
* ``home_gym`` (6%): buyers of heavy home-gym kit (treadmills, racks,
  dumbbells) who write about assembly, delivery and build quality; very few
  orders but very large baskets. Often unhappy.
* ``bargain_returners`` (15%): sale hunters who write about sizing, refunds,
  returns and discount codes; high return rate, high discount share, many
  cheap orders. Mostly unhappy.

Every customer writes 0-8 documents (about 4% write none); 60-75% of a
customer's documents are about the persona's subjects and the rest are
generic remarks shared by all personas. Age and region are drawn from one
distribution for everybody.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PERSONAS", "generate", "write"]

PERSONAS: dict[str, list[str]] = {
    "running_regulars": [
        "running",
        "shoes",
        "trail",
        "marathon",
        "cushioning",
        "frequent",
        "regular",
    ],
    "running_lapsed": ["running", "shoes", "trail", "marathon", "cushioning", "lapsed", "inactive"],
    "bike_workshop": ["bike", "repair", "workshop", "service", "mechanic", "gears", "brakes"],
    "yoga_eco": ["yoga", "mat", "grip", "eco", "pilates", "practice"],
    "app_classes": ["app", "classes", "streaming", "instructor", "subscription", "workout"],
    "home_gym": ["home", "gym", "treadmill", "rack", "assembly", "delivery", "weights"],
    "bargain_returners": ["returns", "refund", "sizing", "discount", "sale", "voucher"],
}

_SHARES = {
    "running_regulars": 0.18,
    "running_lapsed": 0.12,
    "bike_workshop": 0.14,
    "yoga_eco": 0.10,
    "app_classes": 0.25,
    "home_gym": 0.06,
    "bargain_returners": 0.15,
}

# persona -> text topic (the behaviour-only pair shares one topic)
_TOPIC_OF = {
    "running_regulars": "running",
    "running_lapsed": "running",
    "bike_workshop": "bike",
    "yoga_eco": "yoga",
    "app_classes": "app",
    "home_gym": "homegym",
    "bargain_returners": "returns",
}

# persona -> (positive, neutral, negative) share of on-topic documents
_MOOD_OF = {
    "running_regulars": (0.50, 0.25, 0.25),
    "running_lapsed": (0.50, 0.25, 0.25),  # identical to regulars on purpose
    "bike_workshop": (0.30, 0.25, 0.45),
    "yoga_eco": (0.62, 0.25, 0.13),
    "app_classes": (0.55, 0.25, 0.20),
    "home_gym": (0.33, 0.25, 0.42),
    "bargain_returners": (0.15, 0.25, 0.60),
}
_GENERIC_MOOD = (0.50, 0.33, 0.17)

# persona -> behaviour profile (the text-only pair shares one profile)
_PROFILE_OF = {
    "running_regulars": "regular",
    "running_lapsed": "lapsed",
    "bike_workshop": "mid",
    "yoga_eco": "mid",
    "app_classes": "classes",
    "home_gym": "heavy",
    "bargain_returners": "bargain",
}

# orders_12m = 1 + NegBin(mean=orders_extra, n=orders_n)
# basket: lognormal(median, sigma); return_rate, discount_share: beta(a, b)
# days_since_last_order, tenure_months, app sessions: lognormal(median, sigma)
# classes_booked_12m: Poisson(mean * Gamma(2)/2)
_PROFILES = {
    "regular": dict(
        orders_extra=7.0,
        orders_n=4,
        basket=(85, 0.40),
        ret=(1.5, 25),
        days=(18, 0.90),
        disc=(2, 10),
        tenure=(42, 0.5),
        app=(9, 0.7),
        classes=1.0,
    ),
    "lapsed": dict(
        orders_extra=0.7,
        orders_n=2,
        basket=(85, 0.40),
        ret=(1.5, 25),
        days=(170, 0.45),
        disc=(2, 10),
        tenure=(42, 0.5),
        app=(1.2, 0.8),
        classes=1.0,
    ),
    "mid": dict(
        orders_extra=3.0,
        orders_n=3,
        basket=(55, 0.50),
        ret=(2, 25),
        days=(55, 0.80),
        disc=(2, 8),
        tenure=(30, 0.6),
        app=(4, 0.8),
        classes=1.5,
    ),
    "classes": dict(
        orders_extra=2.0,
        orders_n=3,
        basket=(38, 0.45),
        ret=(1.5, 30),
        days=(40, 0.80),
        disc=(3, 8),
        tenure=(16, 0.6),
        app=(35, 0.40),
        classes=20.0,
    ),
    "heavy": dict(
        orders_extra=1.0,
        orders_n=2,
        basket=(620, 0.50),
        ret=(2, 20),
        days=(95, 0.70),
        disc=(1.5, 12),
        tenure=(22, 0.6),
        app=(3, 0.8),
        classes=0.8,
    ),
    "bargain": dict(
        orders_extra=6.0,
        orders_n=3,
        basket=(42, 0.45),
        ret=(6, 7),
        days=(28, 0.80),
        disc=(7, 4),
        tenure=(20, 0.6),
        app=(10, 0.6),
        classes=0.5,
    ),
}

_REGIONS = [
    "London",
    "South East",
    "South West",
    "Midlands",
    "North West",
    "North East",
    "Yorkshire",
    "East of England",
    "Scotland",
    "Wales",
    "Northern Ireland",
]
_REGION_P = np.array([0.16, 0.14, 0.09, 0.14, 0.11, 0.05, 0.08, 0.09, 0.08, 0.04, 0.02])
_REGION_P = _REGION_P / _REGION_P.sum()

_REFERENCE_DATE = _dt.date(2025, 3, 31)

# ---------------------------------------------------------------------------
# Text banks. Templates use {item}, {item_c}, {aspect}, {aspect_c}
# (_c = capitalised for sentence start).
# ---------------------------------------------------------------------------
_TOPICS: dict[str, dict[str, list[str]]] = {
    "running": {
        "items": [
            "the Stridelite 4s",
            "the Tempo Glide 2s",
            "the Apex Trail 2s",
            "the Ridgeback trail shoes",
            "my new road shoes",
            "the carbon racers",
            "these trainers",
            "the wide-fit runners",
            "the max-cushion shoes",
            "the stability shoes",
            "the zero-drop shoes",
            "the waterproof trail runners",
            "the lightweight racers",
            "the daily trainers",
            "the neutral runners",
            "the long-run shoes",
            "the Fellrunner 5s",
            "the Cloudstep runners",
            "my marathon shoes",
            "the track spikes",
            "the Summit GTX trail shoes",
            "the tempo shoes",
            "the recovery trainers",
            "the Pacer 9s",
            "the entry-level running shoes",
            "the mud-grip fell shoes",
        ],
        "aspects": [
            "the cushioning",
            "the heel drop",
            "the grip on wet rock",
            "the toe box",
            "the outsole",
            "the energy return",
            "the lacing",
            "the heel counter",
            "the breathability",
            "the midsole foam",
            "the arch support",
            "the weight",
            "the tread on muddy trails",
            "the fit around the ankle",
            "the rock plate",
            "the durability of the foam",
            "the stack height",
            "the responsiveness",
            "the rocker",
            "the tongue padding",
            "the drainage after puddles",
            "the stability on descents",
            "the traction on tarmac",
            "the upper mesh",
            "the heel lockdown",
        ],
        "pos": [
            "{aspect_c} on {item} is brilliant, my legs feel fresh even after long runs.",
            "Really happy with {item}, {aspect} is exactly what I was after.",
            "{item_c} are the best running shoes I've owned and {aspect} is spot on.",
            "Loving {item}. {aspect_c} makes tempo runs feel easy.",
            "Knocked a minute off my 10k in {item}, {aspect} is superb.",
            "{aspect_c} is so good on {item} that I bought a second pair.",
            "Zero blisters from {item}, and {aspect} is excellent.",
            "{item_c} feel fast and {aspect} is great on the trail.",
            "Couldn't ask more from {item}; {aspect} is perfect for marathon training.",
            "{item_c} just disappear on my feet, and {aspect} is lovely.",
            "Top marks for {item}, {aspect} is far better than my old pair.",
            "Great shoes. {aspect_c} on {item} gives real confidence on technical trail.",
            "My running has come on loads since I got {item}, {aspect} really helps.",
        ],
        "neu": [
            "{item_c} are fine, {aspect} is about what you'd expect at this price.",
            "Decent running shoes. {aspect_c} takes a few runs to get used to.",
            "{aspect_c} on {item} is ok, nothing special.",
            "{item_c} run about half a size small, otherwise ok.",
            "Not sure yet about {item}, {aspect} feels different from my last pair.",
            "{item_c} do the job for easy miles, {aspect} is average.",
            "Mixed feelings on {item}: {aspect} is good but they feel heavy.",
            "Would {item} work on trail or only road? {aspect_c} seems road-focused.",
            "{item_c} are alright for parkrun, {aspect} is neither great nor bad.",
            "Comparable to my old running shoes, {aspect} on {item} is slightly firmer.",
            "Bought {item} for marathon training, jury's still out on {aspect}.",
            "{aspect_c} on {item} is fine on dry days, haven't tried them in the rain yet.",
        ],
        "neg": [
            "{aspect_c} on {item} gave out after barely 200k, really disappointed.",
            "{item_c} gave me blisters on every long run, {aspect} is badly designed.",
            "{aspect_c} is terrible on {item}, I slipped twice on a wet descent.",
            "Regret buying {item}. {aspect_c} collapsed within a month of running.",
            "{item_c} squeak on every stride and {aspect} is far too stiff.",
            "Not impressed with {item}, {aspect} hurt my arches.",
            "{item_c} are overpriced for what you get, {aspect} is poor.",
            "The sole on {item} started peeling after a few runs, and {aspect} never felt right.",
            "Had to stop mid-run because of {item}, {aspect} rubbed my heel raw.",
            "{aspect_c} on {item} is nowhere near what the description promised.",
            "Knee pain since switching to {item}, {aspect} feels off.",
            "Honestly {item} are worse than the previous version, {aspect} got downgraded.",
        ],
        "details": [
            "Ran a half marathon in them last weekend.",
            "I'm putting about 40k a week on them.",
            "Mostly trail runs in the hills.",
            "Used them for parkrun every Saturday.",
            "Training for my first marathon in spring.",
            "Did a wet 25k on them yesterday.",
            "I overpronate a bit so this matters to me.",
            "They've got about 300 miles on them now.",
            "Mostly road, some canal towpath.",
            "Doing intervals twice a week.",
            "Wore them for a muddy fell race.",
            "I've got slightly wide feet.",
            "Got them for my ultra build.",
            "Switched from another brand after years.",
            "My physio recommended a lower drop.",
            "I run early mornings before work.",
            "Ran the city 10k in them.",
            "Rotating them with my older pair.",
            "It's my third pair of this model.",
            "Sized up half a size like the size guide suggested.",
            "Coming back from shin splints so taking it easy.",
            "Mainly easy runs and one long run.",
            "Ran through a downpour and they held up.",
            "I tried them on the treadmill first.",
            "Clocked a PB at the weekend.",
        ],
        "tags": [
            "#running",
            "#trailrunning",
            "#marathontraining",
            "#parkrun",
            "#runnersofinstagram",
            "#longrun",
        ],
    },
    "bike": {
        "items": [
            "my road bike",
            "my commuter bike",
            "the e-bike",
            "my gravel bike",
            "my mountain bike",
            "the kids' bike",
            "my hybrid",
            "the folding bike",
            "my cargo bike",
            "my touring bike",
            "the hardtail",
            "my full-suspension bike",
            "my single-speed",
            "the tandem",
            "my old steel frame",
            "the cyclocross bike",
            "my carbon road bike",
            "the bike I bought here last year",
            "my partner's e-bike",
            "the BMX",
            "my time-trial bike",
            "the city bike",
            "my fat bike",
            "the trekking bike",
            "the vintage racer",
        ],
        "aspects": [
            "the full service",
            "the brake bleed",
            "the gear indexing",
            "the wheel truing",
            "the chain replacement",
            "the puncture repair",
            "the tubeless setup",
            "the headset adjustment",
            "the suspension service",
            "the bottom bracket swap",
            "the cable replacement",
            "the tune-up",
            "the derailleur hanger fix",
            "the brake pad change",
            "the e-bike motor check",
            "the spoke repair",
            "the cassette swap",
            "the bike fit",
            "the safety check",
            "the fork service",
            "the disc rotor replacement",
            "the hub overhaul",
            "the wheel build",
            "the bar tape job",
            "the pre-sportive check",
        ],
        "pos": [
            "The workshop did a great job on {item}, {aspect} was spot on.",
            "{aspect_c} was done in a day and {item} rides like new.",
            "The mechanic explained everything about {aspect} on {item}, really appreciated it.",
            "Booked {aspect} in the app, dropped off {item} and it was ready early.",
            "{item_c} shifts perfectly after {aspect}, brilliant work.",
            "Fair price for {aspect}, and they even lubed the chain on {item} for free.",
            "Really pleased with {aspect}, {item} feels smoother than when it was new.",
            "Friendly repair team, {aspect} on {item} sorted my creaking issue.",
            "{aspect_c} was quick and {item} hasn't skipped a gear since.",
            "Five stars for the workshop, {aspect} on {item} was meticulous.",
            "Quick turnaround on {aspect}; {item} was back on the road for my weekend ride.",
            "Can't fault {aspect}. The brakes on {item} are sharp as anything now.",
        ],
        "neu": [
            "{aspect_c} on {item} was ok, took a bit longer than quoted.",
            "The workshop fixed {item}, although {aspect} cost more than I expected.",
            "{aspect_c} done. Haven't ridden {item} much since so can't say yet.",
            "Booking {aspect} in the app works but the workshop slots fill up fast.",
            "{item_c} is fine after {aspect}, the gears still need a tweak now and then.",
            "Average experience with {aspect}, nothing went wrong but nothing special.",
            "Is {aspect} worth doing every year on {item}? Not sure.",
            "Picked up {item} after {aspect}, the mechanic was busy so no real handover.",
            "{aspect_c} is reasonably priced, waiting time for {item} was about a week.",
            "They did {aspect} on {item}, can't really tell the difference.",
            "{item_c} is running ok after {aspect}, the repair bill was itemised at least.",
            "Dropped {item} in for {aspect}, collection was fiddly but fine.",
        ],
        "neg": [
            "Waited three weeks for {aspect} on {item} and it still isn't right.",
            "{aspect_c} was botched, {item} came back with rubbing brakes.",
            "Paid for {aspect} and {item} started skipping gears on the first ride home.",
            "Nobody called when {item} was ready, and {aspect} was only half done.",
            "{aspect_c} took twice as long as promised and nobody updated the repair booking.",
            "The workshop scratched the frame of {item} during {aspect}, not happy.",
            "{aspect_c} on {item} cost a fortune and the creak is still there.",
            "Booked {aspect} online but the workshop lost the booking and {item} sat there for days.",
            "Chain fell off twice after {aspect}, {item} is worse than before.",
            "Rude mechanic, rushed {aspect} and handed {item} back covered in grease.",
            "{aspect_c} wasn't done properly, I had to redo the cables on {item} myself.",
            "Had to take {item} back three times with the same problem after {aspect}.",
        ],
        "details": [
            "I commute 20 miles a day on it.",
            "It's my only way to get to work.",
            "Got a sportive coming up next month.",
            "The rear mech had been ticking for weeks.",
            "Front brake was squealing badly.",
            "It had a slow puncture I couldn't find.",
            "Bought the bike from you two years ago.",
            "Had a crash in the wet last month.",
            "The e-bike battery had been cutting out.",
            "Gears were jumping on the climbs.",
            "Used the app to book the workshop slot.",
            "I ride mostly gravel lanes.",
            "The chain was pretty worn.",
            "Headset had a bit of play in it.",
            "I do a lot of winter miles so it gets filthy.",
            "Wheel had a wobble after hitting a pothole.",
            "The repair quote came through by text.",
            "They kept it over the weekend.",
            "Forks were leaking oil.",
            "I'm not confident doing my own repairs.",
            "It's a hand-me-down so it's seen some use.",
            "Brakes felt spongy on descents.",
            "Dropped it off on a Monday morning.",
            "My kid rides it to school every day.",
            "Bottom bracket was creaking on every pedal stroke.",
        ],
        "tags": [
            "#cycling",
            "#bikerepair",
            "#bikeservice",
            "#bikecommute",
            "#gravelbike",
            "#roadcycling",
        ],
    },
    "yoga": {
        "items": [
            "the yoga mat",
            "the cork mat",
            "the travel mat",
            "the 6mm mat",
            "the block set",
            "the cotton strap",
            "the bolster",
            "the meditation cushion",
            "the natural rubber mat",
            "the alignment mat",
            "the mat towel",
            "the yoga bra",
            "the jute mat",
            "the foldable mat",
            "the hot yoga towel",
            "the pilates ring",
            "the eco mat",
            "the balance cushion",
            "the wrist wedge",
            "the mat bag",
            "the kids' yoga mat",
            "the recycled yoga top",
            "the cork block",
            "the mat sling",
            "the mandala print mat",
        ],
        "aspects": [
            "the grip",
            "the thickness",
            "the cushioning for my knees",
            "the natural rubber smell",
            "the texture",
            "the eco packaging",
            "the non-slip surface",
            "the weight for carrying to class",
            "the alignment guide",
            "the fabric",
            "the stitching",
            "the colour",
            "the way it lies flat",
            "the sweat absorption",
            "the cork finish",
            "the stability in balance poses",
            "the material",
            "the edging",
            "the length for tall people",
            "the washability",
            "the plastic-free packaging",
            "the feel under my hands",
            "the recycled rubber",
            "the density",
            "the print",
        ],
        "pos": [
            "{aspect_c} of {item} is lovely, no slipping even in hot yoga.",
            "So happy with {item}, {aspect} is perfect for my morning flow.",
            "{item_c} feels premium and {aspect} is fantastic.",
            "Love that {item} is eco-friendly, and {aspect} is great too.",
            "{aspect_c} on {item} makes downward dog so much steadier.",
            "Best purchase for my practice this year, {item} is gorgeous and {aspect} is spot on.",
            "{item_c} is perfect for yin sessions, {aspect} is just right.",
            "Really impressed with {aspect} of {item}, my wrists thank me.",
            "{item_c} has made my home practice feel calm and grounded, {aspect} is excellent.",
            "Bought {item} for pilates too, {aspect} works beautifully.",
            "Namaste to whoever designed {item}; {aspect} is wonderful.",
            "{aspect_c} is just right and {item} comes with me to every yoga class.",
        ],
        "neu": [
            "{item_c} is fine, {aspect} is ok but not amazing.",
            "{aspect_c} of {item} takes a few sessions to get used to.",
            "{item_c} does the job for beginner yoga, {aspect} is average.",
            "{aspect_c} on {item} is fine when dry, slippier when I sweat.",
            "Not sure {item} is worth the price, {aspect} is similar to cheaper ones.",
            "{item_c} arrived with a strong smell that faded after airing, {aspect} is ok.",
            "{aspect_c} is different from the photos but {item} works for my practice.",
            "Does {item} come in a longer size? {aspect_c} is fine otherwise.",
            "{item_c} is alright for stretching, not tested it in vinyasa yet.",
            "{aspect_c} of {item} is fine, would like more colour options.",
            "Using {item} for yoga and pilates, {aspect} is acceptable.",
            "Mixed on {item}: {aspect} is nice, but it's a bit heavy to carry.",
        ],
        "neg": [
            "{aspect_c} of {item} is useless, I slide all over the place in down dog.",
            "{item_c} started flaking after two weeks, {aspect} is really poor.",
            "The smell from {item} is unbearable and {aspect} is nothing like advertised.",
            "Disappointed with {item}, {aspect} wore out almost immediately.",
            "{item_c} claims to be eco but came wrapped in plastic, and {aspect} is bad.",
            "{aspect_c} on {item} is awful, my knees hurt after every yoga session.",
            "{item_c} is far too thin, {aspect} gives no support at all.",
            "The colour on {item} faded after one wash and {aspect} is rough.",
            "Expected better for the price, {aspect} of {item} is cheap and nasty.",
            "{item_c} curls up at the corners constantly and {aspect} is slippery.",
            "Gave up on {item}, {aspect} was so bad I couldn't hold a plank.",
            "{aspect_c} of {item} is a joke, I went back to my old mat for practice.",
        ],
        "details": [
            "I practise every morning before work.",
            "Mostly vinyasa and some yin.",
            "I do hot yoga twice a week.",
            "Taking it to a studio class on Thursdays.",
            "I've been practising for about five years.",
            "Just started yoga after a back injury.",
            "I sweat a lot in class.",
            "I'm quite tall so length matters.",
            "Trying to buy only plastic-free stuff.",
            "My knees are a bit sensitive.",
            "Mostly using it on a wooden floor at home.",
            "I teach a small community class.",
            "Carrying it on my back to the studio.",
            "Doing a 30-day yoga challenge.",
            "Pregnancy yoga, so comfort matters.",
            "I wipe it down after every session.",
            "Bought one as a gift for my sister too.",
            "It lives rolled up under my bed.",
            "Mostly slow flow and breathwork.",
            "I use it for pilates as well.",
            "I practise in the garden when it's warm.",
            "The studio mats are grim so I bring my own.",
            "Getting into meditation lately.",
            "I like things made from natural materials.",
            "Practising in a small flat so space is tight.",
        ],
        "tags": [
            "#yoga",
            "#yogaeveryday",
            "#ecoliving",
            "#pilates",
            "#yogapractice",
            "#plasticfree",
        ],
    },
    "app": {
        "items": [
            "the live spin class",
            "the HIIT class",
            "the morning stretch stream",
            "the strength programme",
            "the 20-minute core session",
            "the beginner cardio plan",
            "the low-impact series",
            "the boxing workout",
            "the stretch and recover class",
            "the app",
            "the on-demand library",
            "the Tuesday bootcamp",
            "the kettlebell class",
            "the 6-week challenge",
            "the barre class",
            "the mobility routine",
            "the live dance cardio session",
            "the rowing class",
            "the postnatal class",
            "the family workout",
            "the tabata class",
            "the step class",
            "the guided cool-down",
            "the weekend endurance stream",
            "the 30-day plank challenge",
        ],
        "aspects": [
            "the instructor",
            "the streaming quality",
            "the class schedule",
            "the booking system",
            "the subscription price",
            "the music",
            "the progress tracking",
            "the playlist",
            "the coaching",
            "the video lag",
            "the leaderboard",
            "the workout variety",
            "the notification setup",
            "the heart-rate sync",
            "the class length",
            "the warm-up",
            "the offline downloads",
            "the cast to TV feature",
            "the difficulty setting",
            "the community chat",
            "the release schedule",
            "the reminder email",
            "the trainer's energy",
            "the login",
            "the calendar sync",
        ],
        "pos": [
            "{item_c} is brilliant, {aspect} keeps me motivated every week.",
            "Absolutely love {item}, {aspect} is top notch.",
            "{aspect_c} in the app is great, I've not missed {item} in a month.",
            "Joined {item} on a whim and now I'm hooked, {aspect} is fantastic.",
            "The subscription pays for itself, {item} alone is worth it and {aspect} is superb.",
            "{aspect_c} is so good that {item} feels like being in a real studio.",
            "On a 40-day streak thanks to {item}, {aspect} is perfect.",
            "{item_c} fits my lunch break perfectly and {aspect} is spot on.",
            "Really enjoying {item}; {aspect} makes it easy to stay consistent.",
            "Best fitness app I've tried, {aspect} and {item} are both excellent.",
            "{aspect_c} during {item} was amazing today, proper sweaty workout.",
            "Finished {item} and felt great, {aspect} is really well done.",
        ],
        "neu": [
            "{item_c} is ok, {aspect} could be better.",
            "{aspect_c} is fine most days, the stream occasionally buffers during {item}.",
            "Would like more time slots for {item}, {aspect} is decent.",
            "{item_c} is a bit easy for me, {aspect} is alright.",
            "Not sure the subscription is worth it yet, {item} is fine and {aspect} is average.",
            "{aspect_c} changed in the last app update, takes some getting used to.",
            "Is there a way to download {item}? {aspect_c} is fine otherwise.",
            "Did {item} a few times, {aspect} is neither great nor bad.",
            "{item_c} is good but {aspect} feels clunky.",
            "{aspect_c} is ok, would like more variety than just {item}.",
            "Trying {item} this week, {aspect} seems reasonable.",
            "{item_c} is decent, {aspect} is hit and miss depending on the instructor.",
        ],
        "neg": [
            "{aspect_c} kept freezing during {item}, totally ruined the workout.",
            "Paid for the subscription and {item} got cancelled twice, {aspect} is a mess.",
            "{aspect_c} is awful, I couldn't even join {item} tonight.",
            "{item_c} was removed without warning and {aspect} keeps getting worse.",
            "The app crashed halfway through {item} and {aspect} lost my progress.",
            "{aspect_c} is terrible since the update, {item} won't load on my TV.",
            "Charged twice for the class membership, and {aspect} is broken too.",
            "{item_c} is full every time I try to book, {aspect} is useless.",
            "Streaming lag made {item} impossible to follow, {aspect} needs fixing.",
            "{aspect_c} got worse after the price rise, {item} isn't worth it anymore.",
            "Can't cancel my subscription in the app, and {aspect} is just as bad during {item}.",
            "Really let down by {item}, {aspect} felt lazy and repetitive.",
        ],
        "details": [
            "I do a class most lunchtimes.",
            "Streaming it on the TV in the living room.",
            "I've been subscribed since January.",
            "Mostly evening classes after the kids are in bed.",
            "Doing it alongside my weekend walks.",
            "I sync it with my watch.",
            "I've done over 100 classes now.",
            "My partner and I do the classes together.",
            "I travel a lot so the app is handy.",
            "Trying to get back in shape after winter.",
            "Doing the beginner track first.",
            "I like the 20-minute format.",
            "Usually join live rather than on demand.",
            "Working from home so I fit it in between calls.",
            "On the free trial at the moment.",
            "I'm on the annual plan.",
            "Set myself a goal of four classes a week.",
            "I check the leaderboard every morning.",
            "Usually on the tablet in the spare room.",
            "Only got the app for the cardio originally.",
            "Recovering from an injury so I stick to low impact.",
            "Finished the 6-week programme last month.",
            "The kids join in on weekends.",
            "My gym closed so this replaced it.",
            "Been using the app daily for three months.",
        ],
        "tags": [
            "#fitnessapp",
            "#hiit",
            "#workoutathome",
            "#onlineclasses",
            "#fitfam",
            "#livestream",
        ],
    },
    "homegym": {
        "items": [
            "the treadmill",
            "the power rack",
            "the adjustable dumbbell set",
            "the rowing machine",
            "the incline trainer",
            "the weight bench",
            "the cable machine",
            "the Olympic barbell",
            "the bumper plate set",
            "the cross trainer",
            "the squat rack",
            "the kettlebell set",
            "the multi-gym",
            "the pull-up station",
            "the folding treadmill",
            "the air bike",
            "the smith machine",
            "the gym floor matting",
            "the leg press",
            "the walking pad",
            "the preacher curl bench",
            "the lat pulldown",
            "the plate tree",
            "the hex bar",
            "the home gym bundle",
        ],
        "aspects": [
            "the assembly",
            "the delivery to my garage",
            "the build quality",
            "the noise",
            "the stability",
            "the weight capacity",
            "the instruction manual",
            "the two-person delivery",
            "the motor",
            "the welding",
            "the footprint",
            "the resistance range",
            "the hardware pack",
            "the console",
            "the belt",
            "the finish",
            "the plate loading",
            "the adjustment system",
            "the warranty",
            "the bench padding",
            "the wall mounting kit",
            "the box size",
            "the installation service",
            "the pulley system",
            "the spare parts service",
        ],
        "pos": [
            "Really solid, {aspect} of {item} is way better than I expected for home use.",
            "{item_c} turned my garage into a proper gym, {aspect} is excellent.",
            "Great value for {item}; {aspect} is rock solid.",
            "{aspect_c} was painless, {item} was up and running in an hour.",
            "The delivery team carried {item} upstairs and {aspect} was top notch.",
            "Heavy-duty kit. {aspect_c} on {item} feels commercial grade.",
            "Cancelled my gym membership thanks to {item}, {aspect} is superb.",
            "{item_c} barely moves even with heavy squats, {aspect} is brilliant.",
            "Worth every penny, {aspect} of {item} is spot on.",
            "Pleasantly surprised by {item}, {aspect} is great and it looks smart in the home gym.",
            "Lifting at home on {item} now, {aspect} is faultless.",
            "{aspect_c} couldn't have been easier, {item} is a beast.",
        ],
        "neu": [
            "{aspect_c} took most of a Saturday but {item} works fine.",
            "{item_c} does what it should, {aspect} is average.",
            "Decent kit, though {aspect} of {item} could be clearer.",
            "{aspect_c} was ok, the box for {item} was enormous though.",
            "A bit louder than hoped, {aspect} of {item} is acceptable.",
            "Does {item} need protective flooring underneath? {aspect_c} seems fine.",
            "{item_c} is solid enough, {aspect} is nothing special.",
            "Took two of us to build {item}, {aspect} was ok.",
            "The delivery slot for {item} was an all-day window, {aspect} was fine once it arrived.",
            "{aspect_c} is ok for the price, {item} is not commercial grade but fine at home.",
            "Still deciding about {item}, {aspect} is a bit basic.",
            "{item_c} just about fits in the spare room, {aspect} is reasonable.",
        ],
        "neg": [
            "{item_c} arrived with missing bolts and {aspect} was a nightmare.",
            "{aspect_c} is dangerous, {item} wobbles under a light load.",
            "The delivery driver left {item} on the pavement, {aspect} was a joke.",
            "{item_c} broke after six weeks and {aspect} won't cover it.",
            "Spent a fortune on {item} and {aspect} is flimsy.",
            "{aspect_c} was awful, the holes didn't line up on {item}.",
            "Three missed delivery slots for {item}, then {aspect} turned out damaged.",
            "{item_c} stopped working mid-session and {aspect} is useless.",
            "{item_c} makes a horrendous noise, {aspect} is poor quality.",
            "Waiting two months for a replacement part for {item}, {aspect} is a disgrace.",
            "The box for {item} was smashed on arrival and {aspect} was bent.",
            "{aspect_c} of {item} feels cheap and the paint is already chipping.",
        ],
        "details": [
            "It's going in the garage.",
            "I've got limited ceiling height.",
            "Setting up a home gym in the spare room.",
            "I lift weights about four times a week.",
            "Cancelled the gym membership to save money.",
            "Squatting around 120kg at the moment.",
            "It's on the first floor so noise matters.",
            "We ordered the full bundle.",
            "Needed two people to carry the boxes in.",
            "My partner uses it for cardio.",
            "I train early before the kids wake up.",
            "Paid for the installation add-on.",
            "Built it myself with an allen key and a lot of patience.",
            "It sits next to the washing machine in the utility room.",
            "Working on my deadlift form.",
            "I'm in a flat with neighbours below.",
            "Took about three hours to assemble.",
            "I'm 6'3 so size matters.",
            "Used it every day since delivery.",
            "Using it for rehab after knee surgery.",
            "The garage floor is bare concrete.",
            "Bought it on finance.",
            "Had a bonus so went all in on the weights.",
            "It replaced an old second-hand machine.",
            "Converted the shed into a gym.",
        ],
        "tags": [
            "#homegym",
            "#garagegym",
            "#liftheavy",
            "#treadmill",
            "#gymathome",
            "#strengthtraining",
        ],
    },
    "returns": {
        "items": [
            "the sale running tee",
            "the discounted jacket",
            "the sale rucksack",
            "the clearance fleece",
            "the clearance hoodie",
            "the bundle deal",
            "the half-price gilet",
            "the Black Friday order",
            "the waterproof jacket",
            "the base layer",
            "the multi-buy hat",
            "the sports bra",
            "the swimsuit",
            "the ski jacket",
            "the walking jacket",
            "the down jacket",
            "the training top",
            "the compression top",
            "the cycling jersey",
            "the softshell",
            "the rain poncho",
            "the kids' raincoat",
            "the gym vest",
            "the outlet sweatshirt",
            "the hoodie from the sale",
        ],
        "aspects": [
            "the sizing",
            "the refund",
            "the returns process",
            "the returns label",
            "the discount code",
            "the size guide",
            "the exchange",
            "the fit",
            "the promo",
            "the voucher",
            "the price match",
            "the free returns policy",
            "the refund time",
            "the sale price",
            "the restocking fee",
            "the leg length",
            "the courier collection",
            "the drop-off point",
            "the store credit",
            "the loyalty scheme",
            "the member discount",
            "the waist measurement",
            "the second markdown",
            "the returns portal",
            "the size chart",
        ],
        "pos": [
            "The refund for {item} came back in two days, {aspect} was painless.",
            "Grabbed {item} with 40% off, {aspect} made it a steal.",
            "{aspect_c} was easy, swapped {item} for a bigger size with no fuss.",
            "Great deal on {item}, and {aspect} was honoured straight away.",
            "Free returns saved me on {item}, {aspect} was smooth.",
            "Love a bargain, {item} was half price and {aspect} worked first time.",
            "Exchanged {item} in store, {aspect} was quick and friendly.",
            "{aspect_c} was spot on so {item} fitted first time, for once.",
            "Stacked {aspect} with the sale and got {item} for next to nothing.",
            "Happy with how {aspect} was handled when {item} didn't fit.",
            "{aspect_c} was clear, ordered two sizes of {item} and sent one back easily.",
            "Quick refund for {item}, {aspect} is the reason I keep shopping the sale here.",
        ],
        "neu": [
            "Sent back {item}, {aspect} was fine but slow.",
            "The size guide says medium but {item} feels like a large.",
            "Waiting on {aspect} for {item}, no update yet.",
            "Ordered {item} in two sizes and will return one, hope {aspect} is quick.",
            "{aspect_c} didn't apply to {item} at checkout, support added it manually.",
            "Does {aspect} apply to {item} or only to full price lines?",
            "{item_c} was a good price, but {aspect} runs a bit small.",
            "Returned {item}, {aspect} took about ten days.",
            "Only bought {item} because of {aspect}, the fit is so-so.",
            "{aspect_c} is confusing, had to guess the size with {item}.",
            "Got store credit for {item}, {aspect} was ok I suppose.",
            "{aspect_c} for {item} was fine once I found the right returns form.",
        ],
        "neg": [
            "Still waiting for {aspect} on {item} three weeks later.",
            "{aspect_c} is completely off, {item} was two sizes too small.",
            "{aspect_c} didn't work on {item} and support just ignored me.",
            "Returned {item} a month ago and {aspect} still hasn't shown up.",
            "Charged me to send back {item}, returns used to be free and {aspect} is a mess.",
            "{item_c} looked nothing like the photos and {aspect} is a joke.",
            "Third return because of sizing, {aspect} for {item} is useless.",
            "The courier never collected {item} and {aspect} now says it's too late for a refund.",
            "The price dropped a day after I bought {item} and they refused {aspect}.",
            "{aspect_c} expired before I could use it on {item}, so annoying.",
            "The refund for {item} was short by the delivery fee, {aspect} is a rip-off.",
            "Had to chase {aspect} for {item} five times, never again.",
            "Sale stuff is clearly seconds, {item} fell apart and {aspect} was rejected.",
        ],
        "details": [
            "I always order two sizes and send one back.",
            "I'm usually a medium in everything else.",
            "Only buy when there's a sale on.",
            "Used the student discount.",
            "Bought in the Black Friday sale.",
            "Had a 20% off code from the newsletter.",
            "Returned via the drop-off locker.",
            "It's my fourth return this year.",
            "I waited for the price to drop.",
            "I compare prices before ordering.",
            "Signed up to get the welcome discount.",
            "It was on clearance so supposedly final sale.",
            "My measurements are right between sizes.",
            "I'm petite so lengths are always an issue.",
            "Bought it for my son but he'd outgrown it.",
            "The website said free returns within 30 days.",
            "Printed the returns label at the library.",
            "Had to take it to the post office.",
            "I paid with a gift card.",
            "It had been marked down twice.",
            "Used loyalty points for part of it.",
            "It was a multi-buy offer.",
            "I check the outlet section every week.",
            "Tried it on the second it arrived.",
            "Packed it back up the same day.",
        ],
        "tags": [
            "#refund",
            "#returns",
            "#sizing",
            "#salebargain",
            "#customerservice",
            "#discountcode",
        ],
    },
}

_SHORT_VERDICT = {
    "pos": [
        "is excellent.",
        "is spot on.",
        "is great, really pleased.",
        "is top class.",
        "is perfect, no notes.",
    ],
    "neu": [
        "is ok.",
        "is fine I suppose.",
        "is alright, nothing more.",
        "is average.",
        "is so-so.",
    ],
    "neg": [
        "is rubbish.",
        "is a real letdown.",
        "is not good enough.",
        "is terrible.",
        "is a disappointment.",
    ],
}

_OPENERS = {
    "pos": [
        "Wow.",
        "So pleased.",
        "Really happy.",
        "Quick review.",
        "Have to say it:",
        "Long-time customer here.",
        "Honestly?",
        "Update after a month.",
    ],
    "neu": [
        "Hmm.",
        "First impressions:",
        "Quick review.",
        "Well.",
        "Update after a month.",
        "Short version:",
        "Long-time customer here.",
        "So.",
    ],
    "neg": [
        "Ugh.",
        "Not happy.",
        "Seriously?",
        "Sorry but no.",
        "Long-time customer here.",
        "Where to start.",
        "Really frustrated.",
        "Update after a month.",
    ],
}
_CLOSERS = {
    "pos": [
        "Would buy again.",
        "Thanks!",
        "Highly recommend.",
        "Cheers.",
        "10/10.",
        "Keep it up.",
        "Already told my friends.",
        "Well done team.",
    ],
    "neu": [
        "We'll see.",
        "That's it really.",
        "Might update later.",
        "Fine for now.",
        "Time will tell.",
        "3 stars for now.",
    ],
    "neg": [
        "Sort it out.",
        "Very disappointed.",
        "Won't be back.",
        "Expected better.",
        "Not good enough.",
        "Considering going elsewhere.",
        "Avoid.",
    ],
}

_GENERIC = {
    "pos": [
        "arrived on time, thanks",
        "quick delivery and well packed",
        "great service as always",
        "easy to order through the app",
        "does what it says",
        "good value for money",
        "friendly staff in store",
        "smooth checkout",
        "order came a day early",
        "really helpful customer service",
        "happy with my order",
        "all good, no complaints",
        "would recommend to friends",
        "nice to deal with a shop that cares",
        "been shopping here for years and never had a problem",
        "tracking updates were handy",
        "everything as described",
        "lovely note in the box",
        "click and collect was super quick",
        "brilliant, thanks team",
        "the website is easy to use",
        "fast dispatch",
        "staff knew their stuff",
        "nice packaging, not too much plastic",
        "great prices this month",
        "the courier was really polite",
        "checkout on the phone was painless",
    ],
    "neu": [
        "ok I guess",
        "fine",
        "it's alright",
        "nothing special",
        "as expected",
        "average experience",
        "delivery was ok",
        "no issues so far",
        "haven't used it much yet",
        "the app is fine",
        "website is a bit slow but ok",
        "price is about right",
        "not bad",
        "will see how it goes",
        "standard service",
        "did the job",
        "bit pricey but fine",
        "can't complain really",
        "delivery took the usual three days",
        "it's what I ordered",
        "no strong feelings either way",
        "packaging was a bit over the top",
        "okay, nothing to add",
        "order arrived, haven't opened it yet",
        "middle of the road",
        "the store was busy but fine",
    ],
    "neg": [
        "took ages to arrive",
        "the website keeps logging me out",
        "delivery was late again",
        "customer service never replied",
        "the app is really slow",
        "the parcel arrived damaged",
        "wrong colour sent",
        "too expensive for what it is",
        "the tracking link didn't work",
        "parcel left out in the rain",
        "checkout kept failing",
        "not impressed at all",
        "promised next day, came in four days",
        "the email confirmation never came",
        "waited forever on the phone",
        "the store staff ignored me",
        "the chat bot is useless",
        "prices have gone up a lot",
        "the courier marked it delivered when it wasn't",
        "too many marketing emails",
        "my order was split into three parcels",
        "the app logged me out mid-payment",
        "half the stock is never available",
        "the card payment failed twice",
        "no one picks up the phone",
    ],
}
_GENERIC_TAGS = ["#shopping", "#ridgeline", "#newkit", "#customerexperience"]

_QUESTIONS = {
    "pos": [
        "What do you like most about shopping with us?",
        "What did you enjoy about your last order?",
        "Why would you recommend us to a friend?",
        "How was your recent experience with us?",
        "Anything else you'd like to tell us?",
    ],
    "neu": [
        "How was your recent experience with us?",
        "Anything else you'd like to tell us?",
        "What could we do better?",
        "How would you describe your last purchase?",
        "What was the main reason for your score?",
    ],
    "neg": [
        "What could we do better?",
        "What was the main reason for your score?",
        "Is there anything that disappointed you?",
        "How was your recent experience with us?",
        "Anything else you'd like to tell us?",
    ],
}

_SUPPORT_GREET = [
    "Hi,",
    "Hello team,",
    "Hi there,",
    "Hello,",
    "Hey,",
    "Good morning,",
    "Hi Ridgeline,",
]
_SUPPORT_END = {
    "pos": [
        "Just wanted to pass that on.",
        "Thanks again.",
        "No need to reply, just a thank you.",
        "Please pass my thanks on.",
    ],
    "neu": [
        "Any advice?",
        "Thanks in advance.",
        "Could you let me know?",
        "Cheers.",
        "Let me know if you need anything else.",
    ],
    "neg": [
        "Can someone get back to me?",
        "Please advise.",
        "I'd like this sorted asap.",
        "Order details are in my account.",
        "Please call me back.",
        "This is my second message about it.",
    ],
}

_KINDS = ["review", "survey", "social", "support"]
_KIND_P = [0.45, 0.15, 0.18, 0.22]
_N_DOCS_VALUES = list(range(1, 9))
_N_DOCS_P = np.array([0.17, 0.20, 0.18, 0.14, 0.11, 0.09, 0.06, 0.05])
_N_DOCS_P = _N_DOCS_P / _N_DOCS_P.sum()


# ---------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------
def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _fill(r: random.Random, topic: dict, template: str) -> str:
    item = r.choice(topic["items"])
    aspect = r.choice(topic["aspects"])
    return template.format(item=item, item_c=_cap(item), aspect=aspect, aspect_c=_cap(aspect))


def _typo(r: random.Random, text: str) -> str:
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not idx:
        return text
    i = r.choice(idx)
    w = words[i]
    k = r.randrange(len(w) - 1)
    op = r.random()
    if op < 0.4:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    elif op < 0.7:
        w = w[:k] + w[k + 1 :]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


def _noise(r: random.Random, text: str, kind: str) -> str:
    if r.random() < 0.10:
        text = _typo(r, text)
        if r.random() < 0.3:
            text = _typo(r, text)
    if r.random() < 0.05:
        text = text.replace("'", "")
    if r.random() < (0.30 if kind == "social" else 0.05):
        text = text.lower()
    if r.random() < 0.08 and text.endswith("."):
        text = text[:-1]
    return text


def _assemble(
    r: random.Random, core: list[str], extra: list[str], mood: str, kind: str, tags: list[str]
) -> str:
    """core: must-keep sentences; extra: optional sentences dropped if too long."""
    parts = list(core)
    for e in extra:
        if r.random() < 0.5:
            parts.append(e)
        else:
            parts.insert(0, e)
    if kind == "support":
        head, tail = [r.choice(_SUPPORT_GREET)], [r.choice(_SUPPORT_END[mood])]
    elif kind == "survey":
        head, tail = [], []
        if r.random() < 0.15:
            tail = [r.choice(_CLOSERS[mood])]
    else:
        head = [r.choice(_OPENERS[mood])] if r.random() < 0.25 else []
        tail = [r.choice(_CLOSERS[mood])] if r.random() < 0.35 else []
    while len(" ".join(head + parts + tail).split()) < 5:
        tail = tail + [r.choice([c for c in _CLOSERS[mood] if c not in tail])]
    if kind == "social":
        if r.random() < 0.35:
            head = ["@ridgelinesports"] + head
        n_tags = r.choice([0, 1, 1, 2, 2, 3])
        if n_tags:
            tail = tail + [" ".join(r.sample(tags, min(n_tags, len(tags))))]
    if kind == "support" and parts and not re.match(r"I\b|I'", parts[0]):
        parts[0] = parts[0][:1].lower() + parts[0][1:]
    pieces = head + parts + tail
    # keep between 5 and 60 words: drop optional pieces from the end first
    while len(" ".join(pieces).split()) > 60 and len(pieces) > len(core):
        for drop in (tail, head, extra):
            if drop:
                x = drop.pop()
                if x in pieces:
                    pieces.remove(x)
                break
        else:
            break
    return " ".join(pieces)


def _topic_text(r: random.Random, topic_key: str, mood: str, kind: str) -> str:
    t = _TOPICS[topic_key]
    u = r.random()
    if u < 0.14 and kind != "support":
        item = r.choice(t["items"])
        aspect = r.choice(t["aspects"])
        core = [f"{_cap(aspect)} on {item} {r.choice(_SHORT_VERDICT[mood])}"]
        extra = []
    else:
        core = [_fill(r, t, r.choice(t[mood]))]
        extra = []
        if r.random() < 0.55:
            extra.append(r.choice(t["details"]))
        if r.random() < 0.25:
            second = _fill(r, t, r.choice(t[mood]))
            if second != core[0]:
                core.append(second)
        if r.random() < 0.12:
            d2 = r.choice(t["details"])
            if d2 not in extra:
                extra.append(d2)
    return _noise(r, _assemble(r, core, extra, mood, kind, t["tags"]), kind)


def _generic_text(r: random.Random, mood: str, kind: str) -> str:
    bank = _GENERIC[mood]
    picks = [r.choice(bank)]
    while (r.random() < 0.3 or len(" ".join(picks).split()) < 3) and len(picks) < 3:
        extra = r.choice(bank)
        if extra not in picks:
            picks.append(extra)
    core = [_cap(x) + r.choice([".", ".", ".", "!"]) for x in picks]
    return _noise(r, _assemble(r, core, [], mood, kind, _GENERIC_TAGS), kind)


_RATING_BASE = {
    "pos": ([5, 4], [0.65, 0.35]),
    "neu": ([3, 2, 4], [0.6, 0.2, 0.2]),
    "neg": ([1, 2], [0.6, 0.4]),
}


def _rating(r: random.Random, mood: str) -> int:
    vals, w = _RATING_BASE[mood]
    v = r.choices(vals, w)[0]
    if r.random() < 0.08:
        v += r.choice([-1, 1])
    return min(5, max(1, v))


# ---------------------------------------------------------------------------
# behaviour
# ---------------------------------------------------------------------------
def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def _behaviour(rng: np.random.Generator, profile: str, n: int) -> dict[str, np.ndarray]:
    p = _PROFILES[profile]
    nb_n = p["orders_n"]
    nb_p = nb_n / (nb_n + p["orders_extra"])
    orders = 1 + rng.negative_binomial(nb_n, nb_p, n)
    basket = _lognormal(rng, *p["basket"], n)
    spend = orders * basket * np.exp(0.12 * rng.standard_normal(n))
    spend = np.round(spend, 2)
    avg_basket = np.round(spend / orders, 2)
    ret = np.round(rng.beta(*p["ret"], n), 2)
    days = np.clip(np.round(_lognormal(rng, *p["days"], n)), 1, 365).astype(int)
    disc = np.round(rng.beta(*p["disc"], n), 2)
    tenure = np.clip(np.round(_lognormal(rng, *p["tenure"], n)), 1, 180).astype(int)
    tenure = np.maximum(tenure, np.ceil(days / 30.4).astype(int) + 1)
    app = rng.poisson(_lognormal(rng, *p["app"], n)).astype(int)
    classes = rng.poisson(p["classes"] * rng.gamma(2.0, 0.5, n)).astype(int)
    return {
        "orders_12m": orders.astype(int),
        "total_spend_12m": spend,
        "avg_basket": avg_basket,
        "return_rate": ret,
        "days_since_last_order": days,
        "discount_share": disc,
        "tenure_months": tenure,
        "app_sessions_30d": app,
        "classes_booked_12m": classes,
    }


def _persona_counts(n: int) -> dict[str, int]:
    keys = list(_SHARES)
    raw = np.array([_SHARES[k] for k in keys]) * n
    counts = np.floor(raw).astype(int)
    rem = n - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:rem]] += 1
    return dict(zip(keys, counts.tolist(), strict=False))


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------
def generate(
    n_customers: int = 2000, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """customers (customer_id + columns), documents (customer_id, text, rating, kind,
    question, created_at ISO date), truth (persona key indexed by customer_id)."""
    rng = np.random.default_rng(seed)
    r = random.Random(int(rng.integers(0, 2**62)))

    counts = _persona_counts(n_customers)
    labels = np.concatenate([np.array([k] * c, dtype=object) for k, c in counts.items()])
    rng.shuffle(labels)
    n = len(labels)

    ids = np.array(
        [f"C-{x:06d}" for x in rng.choice(np.arange(1000, 1_000_000), size=n, replace=False)]
    )

    cols: dict[str, np.ndarray] = {}
    for persona in _SHARES:
        mask = labels == persona
        m = int(mask.sum())
        if m == 0:
            continue
        b = _behaviour(rng, _PROFILE_OF[persona], m)
        for c, v in b.items():
            if c not in cols:
                cols[c] = np.zeros(n, dtype=v.dtype)
            cols[c][mask] = v

    age = np.clip(np.round(rng.normal(39, 12.5, n)), 18, 82).astype(int)
    region = rng.choice(np.array(_REGIONS, dtype=object), size=n, p=_REGION_P)

    customers = pd.DataFrame({"customer_id": ids, **cols, "age": age, "region": region})

    # documents
    ref = _REFERENCE_DATE
    rows = []
    has_docs = rng.random(n) >= 0.04
    n_docs = rng.choice(_N_DOCS_VALUES, size=n, p=_N_DOCS_P)
    topic_share = rng.uniform(0.60, 0.75, n)
    days = cols["days_since_last_order"]
    tenure = cols["tenure_months"]
    for i in range(n):
        if not has_docs[i]:
            continue
        persona = labels[i]
        k = int(n_docs[i])
        n_topic = int(np.floor(k * topic_share[i] + r.random()))
        flags = [True] * n_topic + [False] * (k - n_topic)
        r.shuffle(flags)
        last_order = int(days[i])
        oldest = min(int(tenure[i] * 30.4), 540)
        for on_topic in flags:
            kind = r.choices(_KINDS, _KIND_P)[0]
            if on_topic:
                mood = r.choices(["pos", "neu", "neg"], _MOOD_OF[persona])[0]
                text = _topic_text(r, _TOPIC_OF[persona], mood, kind)
            else:
                mood = r.choices(["pos", "neu", "neg"], _GENERIC_MOOD)[0]
                text = _generic_text(r, mood, kind)
            question = r.choice(_QUESTIONS[mood]) if kind == "survey" else None
            rating = _rating(r, mood) if kind == "review" else None
            # written around the customer's orders: from 45 days after the last
            # order back to the start of their tenure (max ~18 months)
            lo = max(0, last_order - 45)
            hi = max(lo, oldest)
            ago = r.randint(lo, hi) if r.random() < 0.7 else r.randint(0, hi)
            created = ref - _dt.timedelta(days=ago)
            rows.append((ids[i], text, rating, kind, question, created.isoformat()))

    documents = pd.DataFrame(
        rows, columns=["customer_id", "text", "rating", "kind", "question", "created_at"]
    )
    documents["rating"] = documents["rating"].astype("Int64")
    documents = documents.sort_values(["created_at", "customer_id"], kind="stable").reset_index(
        drop=True
    )

    truth = pd.Series(labels, index=pd.Index(ids, name="customer_id"), name="persona")
    return customers, documents, truth


def write(folder, n_customers: int = 2000, seed: int = 0) -> None:
    """customers.csv, documents.csv, truth.csv (columns customer_id, persona)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    customers, documents, truth = generate(n_customers=n_customers, seed=seed)
    customers.to_csv(folder / "customers.csv", index=False)
    documents.to_csv(folder / "documents.csv", index=False)
    truth.rename("persona").rename_axis("customer_id").reset_index().to_csv(
        folder / "truth.csv", index=False
    )


if __name__ == "__main__":  # pragma: no cover
    import sys

    write(
        sys.argv[1] if len(sys.argv) > 1 else "fitness_personas",
        seed=int(sys.argv[2]) if len(sys.argv) > 2 else 0,
    )
