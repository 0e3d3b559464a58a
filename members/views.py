"""Public pages: the join form (入会申込書) and the member directory. Thin: forms, services,
selectors do the work."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.abuse import PublicFormGuardMixin
from core.pdf import pdf_response

from . import selectors, services
from .forms import ApplicationForm, DirectoryFilterForm
from .models import PUBLISHABLE_FIELDS, ActivityField, OrganisationType

# Abuse protection for the public form: at most this many applications per address per hour.
APPLICATIONS_PER_HOUR = 5
_SESSION_REFERENCE = "members_application_reference"


class ApplicationCreateView(PublicFormGuardMixin, FormView):
    template_name = "members/apply.html"
    form_class = ApplicationForm
    honeypot_message = gettext_lazy("The application could not be sent. Please try again.")
    rate_limit_scope = "members.apply"
    rate_limit_per_hour = APPLICATIONS_PER_HOUR
    rate_limit_message = gettext_lazy(
        "Too many applications were sent from here. Please try again in an hour."
    )
    rate_limit_exempts_staff = True  # staff typing in paper applications

    def submit(self, form):
        application, _created = services.application_submit(
            data=form.service_data(),
            active_municipalities=form.cleaned_data["active_municipalities"],
            activity_fields=form.cleaned_data["activity_fields"],
            submission_token=form.cleaned_data["submission_token"],
        )
        self.request.session[_SESSION_REFERENCE] = application.reference
        return redirect("members:apply-done")


class ApplicationDoneView(TemplateView):
    template_name = "members/apply_done.html"

    def get(self, request, *args, **kwargs):
        reference = request.session.get(_SESSION_REFERENCE)
        if not reference:
            return redirect("members:apply")
        return self.render_to_response({"reference": reference})


class DirectoryView(TemplateView):
    template_name = "members/directory.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        form = DirectoryFilterForm(self.request.GET or None)
        refused = form.is_bound and not form.is_valid()  # e.g. a one-character search
        filters = {} if refused else form.cleaned_data if form.is_bound else {}
        organisations = selectors.directory_list(
            query=filters.get("q") or "",
            municipality_id=getattr(filters.get("municipality"), "pk", None),
            field_id=getattr(filters.get("field"), "pk", None),
            tier=filters.get("tier") or "",
        )
        if refused:
            organisations = organisations.none()
        page = Paginator(organisations, self.paginate_by).get_page(self.request.GET.get("page"))
        labels = dict(PUBLISHABLE_FIELDS)
        entries = [
            {
                "organisation": org,
                "tier": org.active_memberships[0].get_tier_display(),
                "public": [
                    (labels[name], getattr(org, name))
                    for name, _label in PUBLISHABLE_FIELDS
                    if name in (org.public_fields or []) and getattr(org, name)
                ],
            }
            for org in page.object_list
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "entries": entries,
            "page": page,
            "query_string": query.urlencode(),
        }


BLANK_FORMS = {
    1: ("members/pdf/form1_application.html", "besshi1-nyukai-moushikomisho.pdf"),
    2: ("members/pdf/form2_change.html", "besshi2-henkoutodoke.pdf"),
    3: ("members/pdf/form3_withdrawal.html", "besshi3-taikaitodoke.pdf"),
}


def blank_form_pdf(request, number: int):
    """別紙1–3 as printable PDFs for organisations that file on paper."""
    if number not in BLANK_FORMS:
        raise Http404
    template_name, filename = BLANK_FORMS[number]
    return pdf_response(
        template_name,
        {
            "organisation_types": [
                label
                for value, label in OrganisationType.choices
                if number != 1 or value not in ("public_body", "welfare_council")
            ],
            "activity_fields": list(ActivityField.objects.values_list("name", flat=True)),
            "publishable": [label for _name, label in PUBLISHABLE_FIELDS],
            "blank": True,
        },
        filename=filename,
    )
