from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the secretariat; nobody signs up on their own."""

    def is_open_for_signup(self, request):
        return False
