"""Minutes: the record of a closed proposal, and the register of decisions over a period (PDF).

Both are built from what closing stored (the tally and the ballot file), never recounted, so
that the minutes say exactly what members saw when the vote closed.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from coop import pdf
from governance import presenters, selectors
from governance.count_sheet import count_number, stv_stage_rows
from governance.models import Comment, Proposal, State


def _when(moment: datetime.datetime | None, time_zone: Any) -> str:
    if moment is None:
        return "—"
    return timezone.localtime(moment, time_zone).strftime("%Y-%m-%d %H:%M %Z")


def _result_rows(result: dict[str, Any], proposal: Proposal) -> list[tuple[str, str]]:
    figures = presenters.vote_figures(proposal, result)
    rows = [("Outcome", str(result.get("outcome", "—")))]
    if figures["cast"] is not None:
        rows.append(("Ballots cast", presenters.ballots_cast_text(figures)))
    rows.append(("Votes counted", presenters.votes_counted_text(figures)))
    if result.get("counts"):
        counts = selectors.in_order(result["counts"], proposal)
        rows += [(f"  {name}", presenters.number(count)) for name, count in counts.items()]
    if result.get("winners"):
        rows.append(("Winners", ", ".join(result["winners"])))
    if result.get("ranking"):
        rows.append(("Ranking", " > ".join(" = ".join(tier) for tier in result["ranking"])))
    if result.get("quota"):
        rows.append(("Seats / quota", f"{result.get('seats')} / {count_number(result['quota'])}"))
    return rows


def _stv_stages(result: dict[str, Any], styles: dict) -> list:
    """The STV count sheet: every stage totals the valid vote (votes, non-transferable, loss by
    fractions)."""
    stages = stv_stage_rows(result.get("stages", []))
    if not stages:
        return []
    header = ["Stage", "Step", "Votes", "Non-transferable", "Loss by fractions", "Total"]
    rows: list[list[object]] = [header]
    for number, stage in enumerate(stages, start=1):
        step = stage["action"] + (f": {stage['candidate']}" if stage.get("candidate") else "")
        votes = ", ".join(f"{option}: {value}" for option, value in stage["votes"].items())
        rows.append(
            [
                str(number),
                Paragraph(pdf.escape(step), styles["cell"]),
                Paragraph(pdf.escape(votes), styles["cell"]),
                stage["exhausted"],
                stage["fractions_lost"],
                stage["total"],
            ]
        )
    widths = [12 * mm, 30 * mm, 66 * mm, 24 * mm, 22 * mm, 16 * mm]
    return [Paragraph("STV stages", styles["h2"]), pdf.table(rows, widths)]


def proposal_minutes_pdf(proposal: Proposal, comments: Sequence[Comment]) -> bytes:
    """The minutes of one closed proposal: terms, dates, result, action, discussion, ballots."""
    if proposal.state != State.CLOSED:
        raise ValueError("minutes are made of closed proposals")
    styles = pdf.styles()
    cooperative = proposal.cooperative
    zone = zoneinfo.ZoneInfo(cooperative.time_zone)
    result = proposal.tally.get("result", {})
    ballots = proposal.tally.get("ballot_file", {}).get("ballots", [])
    terms = [
        ("Kind", proposal.get_kind_display()),
        ("Method", proposal.get_method_display()),
        ("Options", ", ".join(proposal.options) or "—"),
        ("Quorum / threshold", f"{proposal.quorum} / {proposal.threshold}"),
        ("Ballot", "secret" if proposal.secret else "open"),
        ("Proposed by", proposal.author.display_name),
        ("Voting opened", _when(proposal.voting_opened_at, zone)),
        ("Voting closed", _when(proposal.closed_at, zone)),
        ("Eligible members", str(proposal.eligible_count)),
    ]
    story: list = [
        Paragraph(pdf.escape(cooperative.name), styles["h2"]),
        Paragraph(f"Minutes — proposal #{proposal.pk}", styles["title"]),
        Paragraph(pdf.escape(proposal.title), styles["h2"]),
        pdf.key_values(terms),
        Spacer(1, 3 * mm),
        Paragraph("Result", styles["h2"]),
        *(
            [Paragraph(pdf.escape(presenters.count_sentence(proposal, result)), styles["body"])]
            if result
            else []
        ),
        pdf.key_values(_result_rows(result, proposal)),
        *_stv_stages(result, styles),
    ]
    early = presenters.early_close_sentence(proposal)
    if early:
        story.append(Paragraph(pdf.escape(early), styles["body"]))
    if proposal.outcome_statement:
        story += [
            Paragraph("Outcome statement", styles["h2"]),
            Paragraph(pdf.escape(proposal.outcome_statement), styles["body"]),
        ]
    if proposal.action:
        effect = (
            f"failed: {proposal.action_error}"
            if proposal.action_error
            else ("carried out" if proposal.result == "passed" else "not carried out")
        )
        story.append(
            Paragraph(
                pdf.escape(f"Action {proposal.action}: {effect}."),
                styles["body"],
            )
        )
    if proposal.body:
        story += [
            Paragraph("The proposal", styles["h2"]),
            *[
                Paragraph(pdf.escape(block), styles["body"])
                for block in proposal.body.split("\n\n")
                if block.strip()
            ],
        ]
    if comments:
        story.append(Paragraph("Discussion", styles["h2"]))
        for comment in comments:
            story.append(
                Paragraph(
                    f"<b>{pdf.escape(comment.author.display_name)}</b>, "
                    f"{_when(comment.created_at, zone)}: {pdf.escape(comment.body)}",
                    styles["body"],
                )
            )
    story.append(Paragraph(f"Ballots ({len(ballots)})", styles["h2"]))
    if proposal.secret:
        story.append(
            Paragraph(
                "Secret ballot: each ballot is listed with the hash of its receipt code, in "
                "the order of the hashes; nothing links a ballot to a member.",
                styles["small"],
            )
        )
    rows = [
        (
            ballot.get("member") or f"receipt {str(ballot.get('receipt', ''))[:16]}…",
            presenters.ballot_text(ballot, weight=True),
        )
        for ballot in ballots
    ]
    if rows:
        story.append(pdf.key_values(rows, widths=(62 * mm, 112 * mm), align_right=False))
    return pdf.build_pdf(
        f"Minutes of proposal {proposal.pk}",
        story,
        f"{cooperative.name} · minutes of proposal #{proposal.pk}",
    )


def decision_register_pdf(
    cooperative: Any,
    proposals: Sequence[Proposal],
    first: datetime.date,
    last: datetime.date,
) -> bytes:
    """Every proposal closed between two dates, one row each, oldest first."""
    styles = pdf.styles()
    zone = zoneinfo.ZoneInfo(cooperative.time_zone)
    header = ["Closed", "#", "Proposal", "Kind", "Result", "Turnout"]
    rows: list[list[object]] = [[Paragraph(h, styles["bold"]) for h in header]]
    for proposal in proposals:
        turnout = proposal.tally.get("result", {}).get("turnout", "—")
        result = str(proposal.get_result_display())
        if proposal.action_error:
            result += " (action failed)"
        rows.append(
            [
                Paragraph(_when(proposal.closed_at, zone)[:10], styles["cell"]),
                Paragraph(str(proposal.pk), styles["cell"]),
                Paragraph(pdf.escape(proposal.title), styles["cell"]),
                Paragraph(proposal.get_kind_display(), styles["cell"]),
                Paragraph(pdf.escape(result), styles["cell"]),
                Paragraph(f"{turnout} / {proposal.eligible_count}", styles["num"]),
            ]
        )
    story: list = [
        Paragraph(pdf.escape(cooperative.name), styles["h2"]),
        Paragraph(f"Register of decisions, {first:%Y-%m-%d} to {last:%Y-%m-%d}", styles["title"]),
    ]
    if len(rows) == 1:
        story.append(Paragraph("No proposal was decided in this period.", styles["body"]))
    else:
        story.append(pdf.table(rows, (22 * mm, 10 * mm, 72 * mm, 24 * mm, 28 * mm, 18 * mm)))
    return pdf.build_pdf(
        f"Register of decisions {first} – {last}",
        story,
        f"{cooperative.name} · register of decisions",
    )
