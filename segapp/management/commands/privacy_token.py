"""`manage.py privacy_token USERNAME --epsilon E [--delta D] | --clear`: a token's DP policy.

With a policy, the user's API token reads noisy sizes, shares, means and topic
counts from the segment and topic endpoints (its own release per run, paid
once from the privacy budget) and is refused the endpoints that give exact
figures or individual rows. `--clear` removes the policy. Exit 1 with one
`error: ...` line for an unknown user, a user without a token or a bad ε/δ.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from segapp.services import dp


class Command(BaseCommand):
    help = "Set or clear the differential-privacy policy of a user's API token."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--epsilon", type=float, help="ε of the token's release per run.")
        mode.add_argument("--clear", action="store_true", help="Remove the policy.")
        parser.add_argument("--delta", type=float, default=0.0, help="δ (default 0).")

    def handle(self, *args, **options) -> None:
        username = options["username"]
        try:
            if options["clear"]:
                removed = dp.clear_token_policy(username=username)
                self.stdout.write(f"token policy of {username}: {'cleared' if removed else 'none'}")
                return
            policy = dp.set_token_policy(
                username=username, epsilon=options["epsilon"], delta=options["delta"]
            )
        except dp.PolicyError as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(1)
        self.stdout.write(
            f"token policy of {username}: epsilon={policy.epsilon:g} delta={policy.delta:g}"
        )
