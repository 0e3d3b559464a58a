"""The council workspace under /council/. Every page: logged-in council member in force (else
404, logged), idle timeout, `Cache-Control: no-store`; every case through the one visibility
rule (else 404, logged — the same answer for "not yours" and "does not exist")."""

import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.exports import escape_formula
from core.pdf import pdf_response
from core.security import logout_idle

from . import selectors, services
from .access import active_memberships, log_access
from .forms import BreakGlassForm, DecisionForm, IntakeForm
from .models import AccessLog, Case, Council, CouncilMember, SupporterConcern, Transfer

INTAKE = CouncilMember.Role.INTAKE
SUPERVISOR = CouncilMember.Role.SUPERVISOR
_SEEN = "council_last_seen"


def refuse(request, *, reference=None):
    """404 for a case URL the user may not open; the attempt is logged (with the case id when
    the case exists, for its council's supervisors — the user learns nothing)."""
    target = None
    if reference:
        target = Case.objects.filter(reference=reference).only("pk", "council_id").first()
    if target is not None:
        log_access(request, AccessLog.Action.REFUSED, case=target)
    else:
        log_access(request, AccessLog.Action.REFUSED)
    raise Http404


def visible_case(request, reference) -> Case:
    case = (
        Case.objects.visible_to(request.user)
        .select_related("council", "municipality")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        refuse(request, reference=reference)
    return case


def show_errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


class WorkspaceMixin:
    """Council members in force only (with one of `roles`, if set)."""

    roles: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        now = timezone.now().timestamp()
        last_seen = request.session.get(_SEEN)
        if last_seen and now - last_seen > settings.COUNCIL_IDLE_TIMEOUT_MINUTES * 60:
            logout_idle(request)
            return redirect_to_login(request.get_full_path())
        request.session[_SEEN] = now
        members = active_memberships(request.user)
        if self.roles:
            members = members.filter(role__in=self.roles)
        if not members.exists():
            refuse(request, reference=kwargs.get("reference"))
        self.memberships = members
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roles = set(self.memberships.values_list("role", flat=True))
        context.update(is_intake=INTAKE in roles, is_supervisor=SUPERVISOR in roles)
        return context


class CaseListView(WorkspaceMixin, TemplateView):
    template_name = "council/case_list.html"
    mine = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in Case.Status.values:
            status = ""
        reference = self.request.GET.get("reference", "").strip().upper()
        cases = selectors.case_list(self.request.user, status=status, mine=self.mine)
        if reference:
            cases = cases.filter(reference=reference)
            log_access(self.request, AccessLog.Action.SEARCH)
        else:
            log_access(self.request, AccessLog.Action.LIST)
        page = Paginator(cases, 50).get_page(self.request.GET.get("page"))
        context.update(
            page=page, status=status, statuses=Case.Status.choices, mine=self.mine, q=reference
        )
        return context


class IntakeQueueView(WorkspaceMixin, TemplateView):
    template_name = "council/intake_queue.html"
    roles = (INTAKE,)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.intake_queue(self.request.user))
        log_access(self.request, AccessLog.Action.LIST)
        return context


class IntakeCreateView(WorkspaceMixin, TemplateView):
    template_name = "council/intake_form.html"
    roles = (INTAKE,)

    def concern(self):
        receipt = self.request.GET.get("concern") or self.request.POST.get("concern")
        if not receipt:
            return None
        councils = self.memberships.values("council_id")
        concern = SupporterConcern.objects.filter(
            receipt_number=receipt, council_id__in=councils, status=SupporterConcern.Status.NEW
        ).first()
        if concern is None:
            refuse(self.request)
        return concern

    def councils(self, concern):
        """The councils the user takes intake for (the concern's own when opening one)."""
        if concern is not None:
            return Council.objects.filter(pk=concern.council_id)
        return Council.objects.filter(pk__in=self.memberships.values("council_id"))

    def get(self, request, *args, **kwargs):
        concern = self.concern()
        initial = {"received_on": timezone.localdate()}
        if concern is not None:
            initial.update(route="supporter", municipality=concern.municipality_id)
        return self.render_to_response(
            self.get_context_data(
                form=IntakeForm(initial=initial, councils=self.councils(concern)), concern=concern
            )
        )

    def post(self, request, *args, **kwargs):
        concern = self.concern()
        form = IntakeForm(request.POST, councils=self.councils(concern))
        duplicates = []
        if form.is_valid():
            duplicates = list(
                services.possible_duplicates(
                    user=request.user,
                    person_kana=form.cleaned_data["person_kana"],
                    date_of_birth=form.cleaned_data["date_of_birth"],
                )
            )
            if not duplicates or request.POST.get("confirm_duplicate"):
                try:
                    case = services.case_intake(
                        council=form.cleaned_data["council"],
                        actor=request.user,
                        data=form.service_data(),
                        categories=form.cleaned_data["categories"],
                        concern=concern,
                        request=request,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("The case was opened."))
                    return redirect("council:case", reference=case.reference)
        return self.render_to_response(
            self.get_context_data(form=form, concern=concern, duplicates=duplicates)
        )


class ConcernDetailView(WorkspaceMixin, TemplateView):
    template_name = "council/concern_detail.html"
    roles = (INTAKE,)

    def get_concern(self):
        concern = SupporterConcern.objects.filter(
            receipt_number=self.kwargs["receipt"],
            council_id__in=self.memberships.values("council_id"),
        ).first()
        if concern is None:
            refuse(self.request)
        return concern

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["concern"] = self.get_concern()
        log_access(self.request, AccessLog.Action.VIEW, council_id=context["concern"].council_id)
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.concern_dismiss(concern=self.get_concern(), actor=request.user)
        except ValidationError as exc:
            show_errors(request, exc)
        return redirect("council:intake")


class TransferDecideView(WorkspaceMixin, View):
    roles = (INTAKE,)

    def post(self, request, pk):
        transfer = Transfer.objects.filter(
            pk=pk, to_council_id__in=self.memberships.values("council_id")
        ).first()
        if transfer is None:
            refuse(request)
        try:
            services.transfer_decide(
                transfer=transfer, actor=request.user, accept="accept" in request.POST
            )
        except ValidationError as exc:
            show_errors(request, exc)
        return redirect("council:intake")


class FollowUpsView(WorkspaceMixin, TemplateView):
    template_name = "council/follow_ups.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["follow_ups"] = selectors.follow_ups_due(self.request.user)
        log_access(self.request, AccessLog.Action.LIST)
        return context


class CaseloadView(WorkspaceMixin, TemplateView):
    template_name = "council/caseload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["caseload"] = selectors.caseload(self.request.user)
        log_access(self.request, AccessLog.Action.LIST)
        return context


class ApprovalsView(WorkspaceMixin, TemplateView):
    template_name = "council/approvals.html"
    roles = (SUPERVISOR,)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["approvals"] = selectors.pending_approvals(self.request.user)
        context["form"] = DecisionForm()
        log_access(self.request, AccessLog.Action.LIST)
        return context


class ApprovalDecideView(WorkspaceMixin, View):
    roles = (SUPERVISOR,)

    def post(self, request, pk):
        approval = selectors.pending_approvals(request.user).filter(pk=pk).first()
        if approval is None:
            refuse(request)
        form = DecisionForm(request.POST)
        form.is_valid()
        try:
            services.approval_decide(
                approval=approval,
                actor=request.user,
                approve="approve" in request.POST,
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("The decision was recorded."))
        return redirect("council:approvals")


class AccessLogView(WorkspaceMixin, TemplateView):
    template_name = "council/access_log.html"
    roles = (SUPERVISOR,)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = selectors.access_log_for(self.request.user)
        context["page"] = Paginator(entries, 100).get_page(self.request.GET.get("page"))
        return context


class OpenCasesExportView(WorkspaceMixin, View):
    """The only case-level export: a supervisor's list of their council's open cases (reference,
    status, dates, municipality — no personal fields), logged, formula-safe."""

    roles = (SUPERVISOR,)

    def get(self, request):
        councils = self.memberships.values("council_id")
        cases = (
            Case.objects.visible_to(request.user)
            .open()
            .filter(council_id__in=councils)
            .select_related("municipality")
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8-sig")
        response["Content-Disposition"] = 'attachment; filename="open_cases.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        writer.writerow([_("case reference"), _("status"), _("received on"), _("municipality")])
        for case in cases:
            writer.writerow(
                [
                    escape_formula(case.reference),
                    escape_formula(case.get_status_display()),
                    case.received_on.isoformat(),
                    escape_formula(case.municipality.name),
                ]
            )
        log_access(request, AccessLog.Action.EXPORT, council_id=self.memberships.first().council_id)
        return response


class BreakGlassView(WorkspaceMixin, TemplateView):
    template_name = "council/break_glass.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", BreakGlassForm())
        return context

    def post(self, request, *args, **kwargs):
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            try:
                grant = services.break_glass(
                    reference=form.cleaned_data["reference"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.warning(
                    request,
                    _("Emergency access until %(time)s. The supervisors have been notified.")
                    % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")},
                )
                return redirect("council:case", reference=grant.case.reference)
        return self.render_to_response(self.get_context_data(form=form))


def _print_context(request, case):
    return {
        "case": case,
        "printed_by": request.user.get_username(),
        "printed_at": timezone.localtime(),
        "today": datetime.date.today(),
    }


class CasePdfView(WorkspaceMixin, View):
    """情報共有シート and 支援計画: 取扱注意, printing user and time on every page; logged."""

    kind = "sheet"

    def get(self, request, reference):
        case = visible_case(request, reference)
        context = _print_context(request, case)
        if self.kind == "plan":
            plan = case.plans.filter(status="approved").prefetch_related("roles__agency").first()
            if plan is None:
                plan = case.plans.prefetch_related("roles__agency").first()
            if plan is None:
                raise Http404
            context["plan"] = plan
        else:
            context["assignments"] = case.assignments.filter(ended_at__isnull=True).select_related(
                "agency__organisation"
            )
            context["categories"] = case.categories.all()
        log_access(request, AccessLog.Action.PRINT, case=case)
        response = pdf_response(
            f"council/pdf/{self.kind}.html", context, filename=f"{case.reference}-{self.kind}.pdf"
        )
        response["Cache-Control"] = "no-store"
        return response
