from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import roles as role_names

from . import schedule, services
from .models import ScheduledTask, StaffAccount
from .templatetags.staff import display_name


def _role_choices():
    return [(name, name) for name in role_names.ALL_ROLES]


class _AccountForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=_role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What each role may do is set by the system; it cannot be edited here."),
    )

    class Meta:
        model = StaffAccount
        fields = ("email", "last_name", "first_name")


class StaffAccountInviteForm(_AccountForm):
    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.staff_account_invite_check(
                email=cleaned["email"], roles=cleaned.get("roles", [])
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class StaffAccountChangeForm(_AccountForm):
    is_active = forms.BooleanField(
        label=_("may sign in"),
        required=False,
        help_text=_("Untick to deactivate the account: the person is signed out everywhere."),
    )

    class Meta(_AccountForm.Meta):
        fields = ("last_name", "first_name")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not self.is_bound:
            self.initial["roles"] = [
                g.name for g in self.instance.groups.all() if g.name in role_names.ALL_ROLES
            ]
            self.initial["is_active"] = self.instance.is_active

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.staff_account_update_check(
                account=self.instance,
                roles=cleaned.get("roles", []),
                is_active=cleaned.get("is_active", False),
                actor=self.actor,
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return _role_choices()

    def queryset(self, request, queryset):
        if self.value() in role_names.ALL_ROLES:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(StaffAccount)
class StaffAccountAdmin(admin.ModelAdmin):
    """職員アカウント: the secretariat invites, gives and takes roles, deactivates."""

    list_display = ("name", "email", "role_list", "is_active", "last_login")
    list_filter = (RoleFilter, "is_active")
    search_fields = ("last_name", "first_name", "email")
    ordering = ("-is_active", "last_name", "first_name", "pk")
    actions = ["send_invitation"]
    show_full_result_count = False

    def get_queryset(self, request):
        # Staff only (member organisations' contacts are managed on their organisation), and
        # never a superuser: nobody here can see, change or become one.
        return (
            super()
            .get_queryset(request)
            .filter(is_superuser=False, is_staff=True)
            .prefetch_related(
                Prefetch("groups", queryset=Group.objects.filter(name__in=role_names.ALL_ROLES))
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffAccountInviteForm
            kwargs["fields"] = ("email", "last_name", "first_name")
            return super().get_form(request, obj, change, **kwargs)
        kwargs["form"] = StaffAccountChangeForm
        kwargs["fields"] = ("last_name", "first_name")
        form_class = super().get_form(request, obj, change, **kwargs)

        class WithActor(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=request.user, **inner)

        return WithActor

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("email", "last_name", "first_name", "roles")})]
        return [
            (None, {"fields": ("email_shown", "last_name", "first_name", "roles", "is_active")}),
            (_("Sign-in"), {"fields": ("last_login", "date_joined")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ("email_shown", "last_login", "date_joined") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted: their history stays theirs

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.staff_account_update(
                account=obj,
                last_name=data["last_name"],
                first_name=data["first_name"],
                roles=data.get("roles", []),
                is_active=data.get("is_active", False),
                actor=request.user,
            )
        else:
            account = services.staff_account_invite(
                email=data["email"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                roles=data.get("roles", []),
                actor=request.user,
            )
            obj.pk, obj.username = account.pk, account.username

    def save_related(self, request, form, formsets, change):
        pass  # roles are written by the service

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("The invitation to set a password has been sent to %(email)s.")
            % {"email": obj.email},
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("full name"), ordering="last_name")
    def name(self, account):
        return display_name(account)

    @admin.display(description=_("e-mail address"))
    def email_shown(self, account):
        return account.email

    @admin.display(description=_("roles"))
    def role_list(self, account):
        return "、".join(g.name for g in account.groups.all()) or "—"

    @admin.action(description=_("Send the invitation e-mail again"), permissions=["change"])
    def send_invitation(self, request, queryset):
        sent = sum(
            services.staff_account_invite_send(account=account)
            for account in queryset.filter(is_active=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d invitation sent (at most one a day per person).",
                "%(count)d invitations sent (at most one a day per person).",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )


class ScheduledTaskForm(forms.ModelForm):
    at = forms.TimeField(
        label=_("time (Japan)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("The task runs on the same days as before, at this time."),
    )

    class Meta:
        model = ScheduledTask
        fields = ("enabled",)
        labels = {"enabled": _("runs")}
        help_texts = {"enabled": _("Untick to stop the task until it is ticked again.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        at = schedule.time_of(self.instance.crontab)
        if at is None:
            self.fields["at"].disabled = True
            self.fields["at"].required = False
        elif not self.is_bound:
            self.initial["at"] = at


@admin.register(ScheduledTask)
class ScheduledTaskAdmin(admin.ModelAdmin):
    """定期実行タスク: what runs when, in Japanese; only the time and the switch are editable."""

    form = ScheduledTaskForm
    list_display = ("task_name", "when", "enabled", "last_run")
    list_display_links = ("task_name",)
    list_select_related = ("crontab",)
    list_filter = ("enabled",)
    search_fields = ("name", "description")
    fields = ("task_name", "what", "when", "at", "enabled", "last_run")
    readonly_fields = ("task_name", "what", "when", "last_run")
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(crontab__isnull=False)

    def has_add_permission(self, request):
        return False  # declared in kirin_pf/schedule.py

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("task name"), ordering="name")
    def task_name(self, task):
        return task.name

    @admin.display(description=_("what it does"))
    def what(self, task):
        return task.description

    @admin.display(description=_("last run"), ordering="last_run_at")
    def last_run(self, task):
        return (
            date_format(localtime(task.last_run_at), "DATETIME_FORMAT") if task.last_run_at else "—"
        )

    @admin.display(description=_("when"), ordering="crontab__hour")
    def when(self, task):
        return schedule.describe(task.crontab)

    def save_model(self, request, obj, form, change):
        at = form.cleaned_data.get("at") if schedule.time_of(obj.crontab) else None
        schedule.scheduled_task_set(
            task=obj, at=at, enabled=form.cleaned_data["enabled"], actor=request.user
        )
