import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import PUBLIC_TEXT_MAX
from core.models import Municipality
from members.models import ActivityField

from .models import Exchange, Post, Resource


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("need or offer"), choices=Post.Kind.choices, widget=forms.RadioSelect
    )
    resource = forms.ChoiceField(label=_("kind of help"), choices=Resource.choices)
    title = forms.CharField(label=_("title"), max_length=100)
    body = forms.CharField(
        label=_("details"),
        max_length=PUBLIC_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe what your organisation needs or offers. Do not write personal data of "
            "individuals: no names, addresses or phone numbers of residents or volunteers. "
            "Members answer through the board."
        ),
    )
    activity_fields = forms.ModelMultipleChoiceField(
        label=_("fields of activity"),
        queryset=ActivityField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = forms.ModelChoiceField(
        label=_("municipality"), queryset=Municipality.objects.all()
    )
    starts_on = forms.DateField(
        label=_("first day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("last day"), widget=forms.DateInput(attrs={"type": "date"}))
    warnings_confirmed = forms.BooleanField(
        label=_("I have checked: the text holds no personal data of individuals."),
        required=False,
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class AnswerForm(forms.Form):
    own_post = forms.ModelChoiceField(label=_("your post"), queryset=Post.objects.none())
    body = forms.CharField(
        label=_("message"), max_length=PUBLIC_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, own_posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["own_post"].queryset = own_posts
        choices = list(own_posts[:2])
        if len(choices) == 1:
            self.initial.setdefault("own_post", choices[0].pk)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("message"), max_length=PUBLIC_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Exchange.Status.MATCHED, Exchange.Status.MATCHED.label),
            (Exchange.Status.DONE, Exchange.Status.DONE.label),
            (Exchange.Status.WITHDRAWN, Exchange.Status.WITHDRAWN.label),
        ]
    )


class BoardFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("need or offer"), choices=[("", _("all")), *Post.Kind.choices], required=False
    )
    resource = forms.ChoiceField(
        label=_("kind of help"), choices=[("", _("all")), *Resource.choices], required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("all"),
    )
    field = forms.ModelChoiceField(
        label=_("field of activity"),
        queryset=ActivityField.objects.all(),
        required=False,
        empty_label=_("all"),
    )
