"""Ranked ballots keep their ranking's places beside their content (what the count reads), and
the ballots already stored get theirs."""

from django.db import migrations, models

RANKED_METHODS = ("schulze", "irv", "stv")
HELP = (
    "a ranking's places in the proposal's option order: byte i is the place of option i (0 is "
    "first), or the number of options when it is unranked; written with the content, from it"
)


def positions(options, content):
    """`governance.methods.ranked.ranking_positions` as it was when this migration was written
    (a migration keeps its own copy: the app's code may change, this must not)."""
    ranking = content.get("ranking") if isinstance(content, dict) else None
    n = len(options)
    if not isinstance(ranking, list) or n > 255:
        return None
    index = {option: i for i, option in enumerate(options)}
    places = bytearray([n] * n)
    for place, option in enumerate(ranking):
        i = index.get(option) if isinstance(option, str) else None
        if i is None or places[i] != n:
            return None  # not a ranking of these options: the count names it, as before
        places[i] = place
    return bytes(places)


def backfill(apps, schema_editor):
    Proposal = apps.get_model("governance", "Proposal")
    ranked = Proposal.objects.filter(method__in=RANKED_METHODS).values_list("pk", "options")
    for name in ("Ballot", "SecretBallot"):
        model = apps.get_model("governance", name)
        for proposal_id, options in ranked.iterator():
            ballots = model.objects.filter(proposal_id=proposal_id).only("pk", "content")
            changed = []
            for ballot in ballots.iterator(chunk_size=2000):
                ballot.positions = positions(options, ballot.content)
                if ballot.positions is not None:
                    changed.append(ballot)
            model.objects.bulk_update(changed, ["positions"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_single_choice_method"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="positions",
            field=models.BinaryField(editable=False, help_text=HELP, null=True),
        ),
        migrations.AddField(
            model_name="secretballot",
            name="positions",
            field=models.BinaryField(editable=False, help_text=HELP, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
