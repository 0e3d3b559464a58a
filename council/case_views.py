"""The case page (tabs for each step) and its actions. Each action is a POST to
/council/cases/<reference>/<action>/ that runs one service and returns to its tab."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from . import forms, services
from .access import active_memberships, log_access
from .models import AccessLog, Council, CouncilMember
from .views import WorkspaceMixin, show_errors, visible_case

TABS = [
    ("overview", "受付・共有"),
    ("needs", "ニーズ"),
    ("plan", "支援計画"),
    ("support", "支援経過"),
    ("follow_up", "フォローアップ"),
    ("closure", "終結・事例"),
]


def _agencies(case):
    return case.council.agencies.filter(left_on__isnull=True).select_related("organisation")


def _shared_agencies(case):
    return _agencies(case).filter(assignments__case=case, assignments__ended_at__isnull=True)


class CaseDetailView(WorkspaceMixin, TemplateView):
    template_name = "council/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = visible_case(self.request, self.kwargs["reference"])
        tab = self.request.GET.get("tab", "overview")
        if tab not in dict(TABS):
            tab = "overview"
        log_access(self.request, AccessLog.Action.VIEW, case=case)
        role = active_memberships(self.request.user).filter(council_id=case.council_id).first()
        share = forms.ShareForm(auto_id="share_%s")
        share.fields["agency"].queryset = _agencies(case)
        participant = forms.ParticipantForm(auto_id="participant_%s")
        participant.fields["member"].queryset = CouncilMember.objects.filter(
            council_id=case.council_id, ended_on__isnull=True
        ).select_related("user", "agency__organisation")
        plan_form = forms.PlanForm(agencies=_shared_agencies(case), auto_id="plan_%s")
        plan_form.fields["meeting"].queryset = case.meetings.all()
        agency_forms = {}
        for name in ("SupportStartForm", "RecordForm"):
            form = getattr(forms, name)(auto_id=f"{name.lower()}_%s")
            form.fields["agency"].queryset = _shared_agencies(case)
            agency_forms[name] = form
        transfer = forms.TransferForm(auto_id="transfer_%s")
        transfer.fields["to_council"].queryset = Council.objects.exclude(pk=case.council_id)
        context.update(
            case=case,
            tab=tab,
            tabs=TABS,
            member=role,
            categories=case.categories.all(),
            assignments=case.assignments.select_related("agency__organisation"),
            participants=case.participants.select_related("user"),
            hearings=case.hearings.select_related("heard_by"),
            meetings=case.meetings.all(),
            plans=case.plans.prefetch_related("roles__agency__organisation").select_related(
                "meeting"
            ),
            records=case.records.select_related("agency__organisation", "recorded_by"),
            follow_ups=case.follow_ups.all(),
            flags=case.flags.select_related("raised_by"),
            approvals=case.approvals.select_related("requested_by", "decided_by"),
            transfers=case.transfers.select_related("to_council"),
            examples=case.examples.all(),
            share_form=share,
            participant_form=participant,
            hearing_form=forms.HearingForm(auto_id="hearing_%s"),
            meeting_form=forms.MeetingForm(auto_id="meeting_%s"),
            plan_form=plan_form,
            start_form=agency_forms["SupportStartForm"],
            record_form=agency_forms["RecordForm"],
            follow_up_form=forms.FollowUpForm(auto_id="follow_up_%s"),
            flag_form=forms.FlagForm(auto_id="flag_%s"),
            closure_form=forms.ClosureForm(auto_id="closure_%s"),
            transfer_form=transfer,
            example_form=forms.ExampleForm(auto_id="example_%s"),
        )
        return context


def _one(case, related, pk):
    obj = getattr(case, related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _valid(form_class, data, **querysets):
    """The bound form with its choice querysets narrowed to this case."""
    form = form_class(data)
    for field, queryset in querysets.items():
        form.fields[field].queryset = queryset
    return form, form.is_valid()


def _share(request, case, data):
    form, ok = _valid(forms.ShareForm, data, agency=_agencies(case))
    if ok:
        services.case_share(
            case=case,
            agency=form.cleaned_data["agency"],
            actor=request.user,
            override_reason=form.cleaned_data["override_reason"],
            request=request,
        )
    return "overview", form


def _consent(request, case, data):
    services.case_record_consent(case=case, actor=request.user, request=request)
    return "overview", None


def _participant(request, case, data):
    members = CouncilMember.objects.filter(council_id=case.council_id)
    form, ok = _valid(forms.ParticipantForm, data, member=members)
    if ok:
        services.case_add_participant(
            case=case, user=form.cleaned_data["member"].user, actor=request.user
        )
    return "overview", form


def _plain(form_class, service, tab):
    """An action whose form's cleaned data are the service's keyword arguments."""

    def act(request, case, data):
        form, ok = _valid(form_class, data)
        if ok:
            service(case=case, actor=request.user, **form.cleaned_data)
        return tab, form

    return act


def _on_shared_agency(form_class, service):
    """Support started or recorded by one of the agencies the case is shared with."""

    def act(request, case, data):
        form, ok = _valid(form_class, data, agency=_shared_agencies(case))
        if ok:
            service(case=case, actor=request.user, **form.cleaned_data)
        return "support", form

    return act


def _on_one(related, service, argument, tab):
    """An action on one row of the case's `related` rows, named by the form's id."""

    def act(request, case, data):
        form, ok = _valid(forms.IdForm, data)
        if ok:
            service(**{argument: _one(case, related, form.cleaned_data["id"])}, actor=request.user)
        return tab, form

    return act


def _plan(request, case, data):
    form = forms.PlanForm(data, agencies=_shared_agencies(case))
    form.fields["meeting"].queryset = case.meetings.all()
    if form.is_valid():
        services.plan_draft(
            case=case,
            actor=request.user,
            meeting=form.cleaned_data["meeting"],
            goals=form.cleaned_data["goals"],
            roles=form.roles(),
        )
    return "plan", form


def _follow_up_done(request, case, data):
    form, ok = _valid(forms.FollowUpDoneForm, data)
    if ok:
        services.follow_up_complete(
            follow_up=_one(case, "follow_ups", form.cleaned_data["follow_up"]),
            actor=request.user,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            needs_changed=form.cleaned_data["needs_changed"],
        )
    return "follow_up", form


def _closure(request, case, data):
    form, ok = _valid(forms.ClosureForm, data)
    if ok:
        services.closure_request(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    return "closure", form


def _transfer(request, case, data):
    councils = Council.objects.exclude(pk=case.council_id)
    form, ok = _valid(forms.TransferForm, data, to_council=councils)
    if ok:
        services.transfer_request(
            case=case, actor=request.user, to_council=form.cleaned_data["to_council"]
        )
    return "closure", form


# Each posted action: its step, which runs the service and returns (tab to go back to, form).
ACTIONS = {
    "share": _share,
    "consent": _consent,
    "participant": _participant,
    "hearing": _plain(forms.HearingForm, services.hearing_record, "needs"),
    "meeting": _plain(forms.MeetingForm, services.meeting_record, "plan"),
    "plan": _plan,
    "plan-request": _on_one("plans", services.plan_request_approval, "plan", "plan"),
    "support-start": _on_shared_agency(forms.SupportStartForm, services.support_start),
    "record": _on_shared_agency(forms.RecordForm, services.record_add),
    "follow-up": _plain(forms.FollowUpForm, services.follow_up_schedule, "follow_up"),
    "follow-up-done": _follow_up_done,
    "flag": _plain(forms.FlagForm, services.flag_raise, "overview"),
    "flag-resolve": _on_one("flags", services.flag_resolve, "flag", "overview"),
    "closure": _closure,
    "transfer": _transfer,
    "example": _plain(forms.ExampleForm, services.example_draft, "closure"),
    "example-approve": _on_one("examples", services.example_approve, "example", "closure"),
}


class CaseActionView(WorkspaceMixin, View):
    def post(self, request, reference, action):
        case = visible_case(request, reference)
        if action not in ACTIONS:
            raise Http404
        try:
            tab, form = ACTIONS[action](request, case, request.POST)
        except ValidationError as exc:
            show_errors(request, exc)
            tab = request.POST.get("tab", "overview")
        else:
            if form is not None and not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
            else:
                messages.success(request, _("Saved."))
                log_access(request, AccessLog.Action.WRITE, case=case)
        return redirect(reverse("council:case", args=[case.reference]) + f"?tab={tab}")

    def get(self, request, reference, action):
        visible_case(request, reference)
        raise Http404
