from django import template

register = template.Library()


@register.filter
def display_name(user):
    """A person's name the Japanese way (family name first); the e-mail address if none is set.

    Never the login name: it is an internal code (COORD, user12) nobody is called by."""
    full_name = " ".join(part for part in (user.last_name, user.first_name) if part)
    return full_name or user.email or user.get_username()


@register.simple_tag(takes_context=True)
def staff_todo(context):
    """The to-do lines of the person viewing the page (see staff.todo)."""
    from staff.todo import todo_for

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return todo_for(request.user)
