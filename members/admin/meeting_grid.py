"""One grid per meeting: every 幹事団体 on the roster a row, how it took part (出席・委任・メール・
欠席, and to whom a proxy went), the chair, and its vote on each open item — saved at once
through `services.meeting_grid_record`. A decided item keeps its column, read-only, with its
outcome: how each member voted stays in sight."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.japanese import format_wareki

from .. import services
from ..models import AgendaItem, Attendance, Meeting, Vote

# Column headings of the grid: short, so the grid fits a 1280 px window.
MODE_COLUMNS = (
    (Attendance.Mode.IN_PERSON, gettext_lazy("venue")),
    (Attendance.Mode.ONLINE, gettext_lazy("online (grid)")),
    (Attendance.Mode.PROXY, gettext_lazy("proxy (grid)")),
    (Attendance.Mode.EMAIL, gettext_lazy("e-mail (grid)")),
    (Attendance.Mode.ABSENT, gettext_lazy("absent")),
)


class MeetingGridForm(forms.Form):
    """Fields per roster row: `mode_<org>`, `proxy_<org>`, `vote_<item>_<org>`; and `chair`."""

    def __init__(self, *args, meeting, attendances, items, votes, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.attendances = attendances
        self.items = list(items)
        self.votes = votes
        self.open_items = [i for i in items if i.outcome == AgendaItem.Outcome.PENDING]
        self.organisations = {a.organisation_id: a.organisation for a in attendances}
        with_attendance = meeting.kind == Meeting.Kind.MEETING
        roster_choices = [(str(a.organisation_id), a.organisation.name) for a in attendances]
        if with_attendance:
            self.fields["chair"] = forms.ChoiceField(
                label=_("chair"),
                required=False,
                choices=[("", "—"), *roster_choices],
                initial=str(meeting.chair_id or ""),
            )
        vote_choices = [("", "—"), *Vote.Choice.choices]
        for attendance in attendances:
            org_id, name = attendance.organisation_id, attendance.organisation.name
            if with_attendance:
                self.fields[f"mode_{org_id}"] = forms.ChoiceField(
                    label=name,
                    choices=Attendance.Mode.choices,
                    initial=attendance.mode,
                    widget=forms.RadioSelect,
                )
                proxy_label = _("%(name)s: proxy given to") % {"name": name}
                self.fields[f"proxy_{org_id}"] = forms.ChoiceField(
                    label=proxy_label,
                    required=False,
                    choices=[("", "—"), *(c for c in roster_choices if c[0] != str(org_id))],
                    initial=str(attendance.proxy_holder_id or ""),
                    widget=forms.Select(attrs={"aria-label": proxy_label}),
                )
            for item in self.open_items:
                vote_label = _("%(name)s: item %(number)s") % {"name": name, "number": item.number}
                self.fields[f"vote_{item.pk}_{org_id}"] = forms.ChoiceField(
                    label=vote_label,
                    required=False,
                    choices=vote_choices,
                    initial=votes.get((item.pk, org_id), ""),
                    widget=forms.Select(attrs={"aria-label": vote_label, "class": "vote"}),
                )

    def clean(self):
        cleaned = super().clean()
        if self.meeting.kind != Meeting.Kind.MEETING:
            return cleaned
        for org_id, organisation in self.organisations.items():
            mode = cleaned.get(f"mode_{org_id}")
            holder = cleaned.get(f"proxy_{org_id}")
            if mode == Attendance.Mode.PROXY and not holder:
                self.add_error(
                    f"proxy_{org_id}",
                    _("%(name)s: choose the steering member holding the proxy.")
                    % {"name": organisation.name},
                )
            elif mode != Attendance.Mode.PROXY and holder:
                cleaned[f"proxy_{org_id}"] = ""  # a holder left over from another choice
        return cleaned

    def entries(self) -> dict:
        data, entries = self.cleaned_data, {}
        for org_id in self.organisations:
            holder = data.get(f"proxy_{org_id}")
            entries[org_id] = services.GridEntry(
                mode=data.get(f"mode_{org_id}", Attendance.Mode.ABSENT),
                proxy_holder=self.organisations[int(holder)] if holder else None,
                votes={
                    item.pk: data.get(f"vote_{item.pk}_{org_id}", "") for item in self.open_items
                },
            )
        return entries

    def chosen_chair(self):
        chair = self.cleaned_data.get("chair")
        return self.organisations[int(chair)] if chair else None

    def rows(self):
        """What the template draws: per roster row its name, the mode radios (value, checked,
        label), the proxy select and one vote cell per item (a select for an open item)."""
        with_attendance = self.meeting.kind == Meeting.Kind.MEETING
        for attendance in self.attendances:
            org_id = attendance.organisation_id
            row = {"organisation": attendance.organisation, "votes": []}
            if with_attendance:
                mode = self[f"mode_{org_id}"]
                current = str(mode.value())
                row["mode_name"] = mode.html_name
                row["modes"] = [
                    {"value": value, "checked": current == value, "label": label}
                    for value, label in Attendance.Mode.choices
                    if value in dict(MODE_COLUMNS)
                ]
                row["modes"].sort(key=lambda m: [v for v, _l in MODE_COLUMNS].index(m["value"]))
                row["proxy"] = self[f"proxy_{org_id}"]
                row["is_chair"] = str(self["chair"].value() or "") == str(org_id)
            # One cell per item in number order: a select while the item is open; once it is
            # decided, the vote as recorded (read-only), so the secretariat still sees it.
            row["votes"] = [
                {"field": self[f"vote_{item.pk}_{org_id}"]}
                if item.outcome == AgendaItem.Outcome.PENDING
                else {"text": self._recorded_vote(item, org_id)}
                for item in self.items
            ]
            yield row

    def _recorded_vote(self, item, org_id) -> str:
        choice = self.votes.get((item.pk, org_id))
        return Vote.Choice(choice).label if choice else "—"


def item_effects(item) -> list:
    """議決の効果 of a decided item as (text, admin URL) pairs: who was expelled, left, was
    selected or changed tier, and on which day; a new rule version."""
    effects = []
    for membership in item.ended_memberships.all():
        effects.append(
            (
                _("%(reason)s: %(name)s (from %(date)s)")
                % {
                    "reason": membership.get_end_reason_display(),
                    "name": membership.organisation.name,
                    "date": format_wareki(membership.ended_on),
                },
                reverse("admin:members_membership_change", args=[membership.pk]),
            )
        )
    for membership in item.started_memberships.all():
        effects.append(
            (
                _("Now %(tier)s: %(name)s (from %(date)s)")
                % {
                    "tier": membership.get_tier_display(),
                    "name": membership.organisation.name,
                    "date": format_wareki(membership.started_on),
                },
                reverse("admin:members_membership_change", args=[membership.pk]),
            )
        )
    rule_set = getattr(item, "adopted_rule_set", None)
    if rule_set is not None:
        effects.append(
            (
                _("Rules adopted: %(rules)s") % {"rules": rule_set},
                reverse("admin:members_ruleset_change", args=[rule_set.pk]),
            )
        )
    return effects


def meeting_grid_view(modeladmin, request, pk):
    """GET shows the grid as recorded; POST saves it in one transaction (and, when a 議決する
    button was pressed, then decides that item)."""
    meeting = modeladmin.get_object(request, str(pk))
    if meeting is None:
        return modeladmin._get_obj_does_not_exist_redirect(request, modeladmin.opts, str(pk))
    if not modeladmin.has_view_or_change_permission(request, meeting):
        raise PermissionDenied  # attendance and votes: the roles that read meetings only
    may_change = modeladmin.has_change_permission(request, meeting)
    attendances = list(
        meeting.attendances.select_related("organisation", "proxy_holder").order_by(
            "organisation__name_kana", "organisation__pk"
        )
    )
    items = list(
        meeting.items.order_by("number")
        .prefetch_related(
            "ended_memberships__organisation",
            "started_memberships__organisation",
        )
        .select_related("adopted_rule_set")
    )
    votes = {
        (v.item_id, v.organisation_id): v.choice for v in Vote.objects.filter(item__meeting=meeting)
    }
    form_kwargs = {"meeting": meeting, "attendances": attendances, "items": items, "votes": votes}
    if request.method == "POST" and may_change and meeting.notice_sent_at is not None:
        form = MeetingGridForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.meeting_grid_record(
                    meeting=meeting,
                    entries=form.entries(),
                    chair=form.chosen_chair() if "chair" in form.fields else None,
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                _after_save(modeladmin, request, meeting, items)
                return HttpResponseRedirect(request.path)
    else:
        form = MeetingGridForm(**form_kwargs)
    return TemplateResponse(
        request,
        "admin/members/meeting/grid.html",
        {
            **modeladmin.admin_site.each_context(request),
            # The grid needs the width of a 1280 px window: no navigation sidebar here.
            "is_nav_sidebar_enabled": False,
            "opts": modeladmin.opts,
            "original": meeting,
            "meeting": meeting,
            "title": _("Attendance and votes: %(meeting)s") % {"meeting": meeting.title},
            "form": form,
            "rows": list(form.rows()),
            "mode_columns": MODE_COLUMNS,
            "open_items": form.open_items,
            "grid_items": items,
            "items": [(item, item_effects(item)) for item in items],
            "quorum": services.meeting_quorum(meeting)
            if meeting.notice_sent_at and meeting.kind == Meeting.Kind.MEETING
            else None,
            "tallies": _tallies(meeting, form.open_items),
            "may_change": may_change,
            "with_attendance": meeting.kind == Meeting.Kind.MEETING,
        },
    )


def _tallies(meeting, open_items) -> dict:
    if meeting.notice_sent_at is None:
        return {}
    quorum = services.meeting_quorum(meeting)
    return {item.pk: services.item_tally(item, quorum).progress_text for item in open_items}


def _after_save(modeladmin, request, meeting, items):
    modeladmin.message_user(request, _("The attendance and votes were saved."), messages.SUCCESS)
    decide = request.POST.get("_decide")
    item = next((i for i in items if str(i.pk) == decide), None)
    if item is None:
        return
    try:
        item = services.item_decide(item=item, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            modeladmin.message_user(
                request,
                _("Item %(number)s: %(message)s") % {"number": item.number, "message": message},
                messages.ERROR,
            )
        return
    modeladmin.message_user(
        request,
        _("Item %(number)s %(outcome)s: %(explanation)s")
        % {
            "number": item.number,
            "outcome": item.get_outcome_display(),
            "explanation": item.explanation,
        },
        messages.SUCCESS,
    )
