"""The board in the member organisations' contact portal (`/members/my/board/`).

The contact's organisation comes from members' `ContactRequiredMixin`; every post and exchange
is read through the organisation's own scope (exchange.selectors), so a pending post or a thread
of other organisations is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.forms import add_service_errors
from members.portal import ContactRequiredMixin

from . import selectors, services
from .forms import AnswerForm, BoardFilterForm, MessageForm, OutcomeForm, PostForm
from .models import Exchange, Post
from .personal_data import personal_data_warnings


class BoardView(ContactRequiredMixin, View):
    def get(self, request):
        filters = BoardFilterForm(request.GET or None)
        values = filters.cleaned_data if filters.is_valid() else {}
        posts = selectors.board_posts(
            kind=values.get("kind", ""),
            resource=values.get("resource", ""),
            municipality_id=getattr(values.get("municipality"), "pk", None),
            field_id=getattr(values.get("field"), "pk", None),
        )
        page = Paginator(posts, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "exchange/portal/board.html",
            {
                "organisation": self.organisation,
                "filters": filters,
                "page": page,
                "own_posts": selectors.organisation_posts(self.organisation).order_by(
                    "-created_at", "-pk"
                )[:50],
                "exchanges": selectors.organisation_exchanges(self.organisation)[:50],
            },
        )


class PostCreateView(ContactRequiredMixin, View):
    template_name = "exchange/portal/post_form.html"

    def get(self, request):
        form = PostForm(initial={"municipality": self.organisation.municipality_id})
        return render(request, self.template_name, {"form": form, "warnings": []})

    def post(self, request):
        form = PostForm(request.POST)
        warnings = []
        if form.is_valid():
            data = form.cleaned_data
            warnings = personal_data_warnings(data["title"], data["body"])
            try:
                post = services.post_submit(
                    organisation=self.organisation,
                    actor=request.user,
                    **data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Your post was sent. The secretariat checks it before it is shown.")
                )
                return redirect("exchange-portal:post-detail", post.pk)
        return render(request, self.template_name, {"form": form, "warnings": warnings})


class PostDetailView(ContactRequiredMixin, View):
    def _post(self, pk):
        try:
            return selectors.visible_post(self.organisation, pk)
        except ObjectDoesNotExist:
            raise Http404 from None

    def _own_posts_for(self, post):
        other_kind = Post.Kind.OFFER if post.kind == Post.Kind.NEED else Post.Kind.NEED
        return Post.objects.published().filter(organisation=self.organisation, kind=other_kind)

    def get(self, request, pk, form=None):
        post = self._post(pk)
        own = post.organisation_id == self.organisation.pk
        context = {"post": post, "own": own, "organisation": self.organisation}
        if own:
            if post.status == Post.Status.PUBLISHED:
                context["suggestions"] = selectors.suggestions_for(post)[:20]
            context["exchanges"] = selectors.organisation_exchanges(self.organisation).filter(
                **{post.kind: post}
            )
        else:
            own_posts = self._own_posts_for(post)
            context["answer_form"] = form or (
                AnswerForm(own_posts=own_posts) if own_posts.exists() else None
            )
        return render(request, "exchange/portal/post_detail.html", context)

    def post(self, request, pk):
        post = self._post(pk)
        if "close" in request.POST:
            try:
                services.post_close(post=post, organisation=self.organisation, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The post was taken off the board."))
            return redirect("exchange-portal:post-detail", post.pk)
        if post.organisation_id == self.organisation.pk:
            raise Http404
        form = AnswerForm(request.POST, own_posts=self._own_posts_for(post))
        if form.is_valid():
            try:
                exchange = services.exchange_start(
                    own_post=form.cleaned_data["own_post"],
                    other_post=post,
                    organisation=self.organisation,
                    body=form.cleaned_data["body"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("exchange-portal:exchange-detail", exchange.pk)
        return self.get(request, pk, form=form)


class ExchangeDetailView(ContactRequiredMixin, View):
    def _exchange(self, pk):
        try:
            return selectors.visible_exchange(self.organisation, pk)
        except ObjectDoesNotExist:
            raise Http404 from None

    def get(self, request, pk, form=None):
        exchange = self._exchange(pk)
        own_post, other_post = (
            (exchange.need, exchange.offer)
            if exchange.need.organisation_id == self.organisation.pk
            else (exchange.offer, exchange.need)
        )
        closed = exchange.status in (Exchange.Status.DONE, Exchange.Status.WITHDRAWN)
        return render(
            request,
            "exchange/portal/exchange_detail.html",
            {
                "exchange": exchange,
                "own_post": own_post,
                "other_post": other_post,
                "organisation": self.organisation,
                "closed": closed,
                "form": form or (None if closed else MessageForm()),
                "outcomes": [
                    (value, label)
                    for value, label in OutcomeForm.base_fields["outcome"].choices
                    if exchange.status in services.OUTCOME_FROM[value]
                ],
            },
        )

    def post(self, request, pk):
        exchange = self._exchange(pk)
        if "outcome" in request.POST:
            outcome = OutcomeForm(request.POST)
            if outcome.is_valid():
                try:
                    services.exchange_set_outcome(
                        exchange=exchange,
                        outcome=outcome.cleaned_data["outcome"],
                        organisation=self.organisation,
                        actor=request.user,
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(request, _("The outcome was recorded."))
            return redirect("exchange-portal:exchange-detail", exchange.pk)
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_send(
                    exchange=exchange,
                    organisation=self.organisation,
                    body=form.cleaned_data["body"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("exchange-portal:exchange-detail", exchange.pk)
        return self.get(request, pk, form=form)
