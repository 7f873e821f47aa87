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
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from coop import pdf
from coop.locale_formats import format_day, format_medium_day, format_moment_with_zone
from governance import presenters, selectors
from governance.count_sheet import count_number
from governance.models import Comment, Proposal, Result, State
from governance.pdf_markdown import markdown_flowables


def _when(moment: datetime.datetime | None, time_zone: Any) -> str:
    """A moment in the co-op's time zone, as the reader's language writes it, and the zone."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment, time_zone)
    return format_moment_with_zone(local)


def _result_rows(result: dict[str, Any], proposal: Proposal) -> list[tuple[str, str]]:
    figures = presenters.vote_figures(proposal, result)
    outcome = result.get("outcome", "")
    rows = [(_("Outcome"), str(Result(outcome).label) if outcome in Result.values else "—")]
    if figures["cast"] is not None:
        rows.append((_("Ballots cast"), presenters.ballots_cast_text(figures)))
    rows.append((_("Votes counted"), presenters.votes_counted_text(figures)))
    if result.get("counts"):
        counts = selectors.in_order(result["counts"], proposal)
        rows += [
            (f"  {presenters.answer(name)}", presenters.number(count))
            for name, count in counts.items()
        ]
    if result.get("winners"):
        rows.append((_("Winners"), ", ".join(result["winners"])))
    if result.get("ranking"):
        rows.append((_("Ranking"), " > ".join(" = ".join(tier) for tier in result["ranking"])))
    if result.get("quota"):
        rows.append(
            (_("Seats / quota"), f"{result.get('seats')} / {count_number(result['quota'])}")
        )
    return rows


def _stv_stages(result: dict[str, Any], styles: dict) -> list:
    """The STV count sheet: every stage totals the valid vote (votes, non-transferable, loss by
    fractions)."""
    stages = presenters.stv_stages(result)
    if not stages:
        return []
    header = [
        _("Stage"), _("Step"), _("Votes"), _("Non-transferable"), _("Loss by fractions"), _("Total")
    ]  # fmt: skip
    rows = [
        [
            str(number),
            stage["step"],
            ", ".join(f"{option}: {value}" for option, value in stage["votes"].items()),
            stage["exhausted"],
            stage["fractions_lost"],
            stage["total"],
        ]
        for number, stage in enumerate(stages, start=1)
    ]
    return [
        Paragraph(pdf.escape(_("STV stages")), styles["h2"]),
        pdf.fitted_table(header, rows, wrapping={1: 2, 2: 3}, right=(0, 3, 4, 5)),
    ]


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
        (_("Kind"), str(proposal.get_kind_display())),
        (_("Method"), str(proposal.get_method_display())),
        (_("Options"), ", ".join(proposal.options) or "—"),
        *presenters.term_rows(proposal),
        (
            _("Ballot"),
            _("secret (receipt codes)") if proposal.secret else _("open (names published)"),
        ),
        (_("Proposed by"), proposal.author.display_name),
        (_("Voting opened"), _when(proposal.voting_opened_at, zone)),
        (_("Voting closed"), _when(proposal.closed_at, zone)),
        (_("Eligible members"), str(proposal.eligible_count)),
    ]
    story: list = [
        Paragraph(pdf.escape(cooperative.name), styles["h2"]),
        Paragraph(pdf.escape(_("Minutes — proposal #%s") % proposal.pk), styles["title"]),
        Paragraph(pdf.escape(proposal.title), styles["h2"]),
        pdf.key_values(terms),
        Spacer(1, 3 * mm),
        Paragraph(pdf.escape(_("Result")), styles["h2"]),
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
            Paragraph(pdf.escape(_("Outcome statement")), styles["h2"]),
            Paragraph(pdf.escape(proposal.outcome_statement), styles["body"]),
        ]
    if proposal.action:
        if proposal.action_error:
            effect = _("Action “%(action)s”: failed: %(error)s.")
        elif proposal.result == Result.PASSED:
            effect = _("Action “%(action)s”: carried out.")
        else:
            effect = _("Action “%(action)s”: not carried out.")
        text = effect % {"action": presenters.action_name(proposal), "error": proposal.action_error}
        story.append(Paragraph(pdf.escape(text), styles["body"]))
    if proposal.body:
        story += [
            Paragraph(pdf.escape(_("The proposal")), styles["h2"]),
            *markdown_flowables(proposal.body, styles),
        ]
    if comments:
        story.append(Paragraph(pdf.escape(_("Discussion")), styles["h2"]))
        for comment in comments:
            story.append(
                Paragraph(
                    f"<b>{pdf.escape(comment.author.display_name)}</b>, "
                    f"{_when(comment.created_at, zone)}: {pdf.escape(comment.body)}",
                    styles["body"],
                )
            )
    story.append(Paragraph(pdf.escape(_("Ballots (%s)") % len(ballots)), styles["h2"]))
    if proposal.secret:
        story.append(
            Paragraph(
                pdf.escape(
                    _(
                        "Secret ballot: each ballot is listed with the hash of its receipt code, "
                        "in the order of the hashes; nothing links a ballot to a member."
                    )
                ),
                styles["small"],
            )
        )
    rows = [
        (
            ballot.get("member") or _("receipt %s…") % str(ballot.get("receipt", ""))[:16],
            presenters.ballot_text(ballot, weight=True),
        )
        for ballot in ballots
    ]
    if rows:
        story.append(pdf.key_values(rows, widths=(62 * mm, 112 * mm), align_right=False))
    return pdf.build_pdf(
        _("Minutes of proposal %s") % proposal.pk,
        story,
        _("%(coop)s · minutes of proposal #%(number)s")
        % {"coop": cooperative.name, "number": proposal.pk},
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
    header = [_("Closed"), "#", _("Proposal"), _("Kind"), _("Result"), _("Votes counted")]
    rows: list[list[object]] = []
    for proposal in proposals:
        turnout = proposal.tally.get("result", {}).get("turnout")
        result = str(proposal.get_result_display())
        if proposal.action_error:
            result += " " + _("(action failed)")
        closed = (
            format_medium_day(timezone.localtime(proposal.closed_at, zone).date())
            if proposal.closed_at
            else "—"
        )
        rows.append(
            [
                closed,
                str(proposal.pk),
                proposal.title,
                str(proposal.get_kind_display()),
                result,
                f"{presenters.number(str(turnout)) if turnout is not None else '—'} / "
                f"{proposal.eligible_count}",
            ]
        )
    period = {"first": format_day(first), "last": format_day(last)}
    story: list = [
        Paragraph(pdf.escape(cooperative.name), styles["h2"]),
        Paragraph(
            pdf.escape(_("Register of decisions, %(first)s to %(last)s") % period),
            styles["title"],
        ),
    ]
    if not rows:
        story.append(
            Paragraph(pdf.escape(_("No proposal was decided in this period.")), styles["body"])
        )
    else:
        story.append(pdf.fitted_table(header, rows, wrapping={2: 3, 4: 1}, right=(1, 5)))
    return pdf.build_pdf(
        _("Register of decisions %(first)s – %(last)s") % period,
        story,
        _("%s · register of decisions") % cooperative.name,
    )
