"""`manage.py add_user USERNAME --role ROLE [--password P]`: create or update a user."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from segapp.services.accounts import ROLES, PasswordRejected, RoleError, add_user


class Command(BaseCommand):
    help = "Create a user (or update one) with one role: " + ", ".join(ROLES) + "."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument(
            "--password",
            help="Set this password (otherwise none: token only); it must pass the password "
            "validators (at least 10 characters, not like the username, not common, not digits).",
        )
        parser.add_argument("--email", default="")

    def handle(self, *args, **options) -> None:
        try:
            user = add_user(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                email=options["email"],
            )
        except (RoleError, PasswordRejected) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"user={user.username} role={options['role']}")
