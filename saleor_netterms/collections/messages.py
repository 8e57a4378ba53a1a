"""Reminder, thank-you and staff messages: built-in templates per language (en, de) or a level's
own subject/body (Django template syntax, same context). Rendered once, when the run decides, and
stored on the step: what the dry run shows, what the timeline shows and what is sent are the same
text."""
from __future__ import annotations

from django.template import Context, Engine

_ENGINE = Engine(autoescape=False)

# context: company, contact, items [{number, due_date, days, open, disputed}], totals ["1,200.00 EUR"],
# charges [{description, amount}], level, seller, iban, reference, staff_email, hold (bool), statement (bool)
BUILTIN: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "before_due": (
            "Friendly reminder: {{ items|length }} invoice{{ items|length|pluralize }} due soon",
            "Dear {{ contact }},\n\nthis is a friendly reminder that the following "
            "invoice{{ items|length|pluralize }} will be due shortly:\n\n"
            "{% for i in items %}  {{ i.number }}  due {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nTotal: {{ totals|join:', ' }}\n{% if iban %}Please transfer to {{ iban }}.\n{% endif %}"
            "If you have already paid, thank you — please ignore this message.\n\n{{ seller }}",
        ),
        "overdue": (
            "Payment reminder: {{ totals|join:', ' }} overdue",
            "Dear {{ contact }},\n\nour records show the following open "
            "item{{ items|length|pluralize }} past due:\n\n"
            "{% for i in items %}  {{ i.number }}  due {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} days overdue){% endif %}\n{% endfor %}"
            "{% if charges %}\nCharged now:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotal due: {{ totals|join:', ' }}\n{% if iban %}Please transfer to {{ iban }}.\n{% endif %}"
            "{% if statement %}Your statement of account is attached.\n{% endif %}"
            "If you have already paid, thank you — please ignore this message.\n\n{{ seller }}",
        ),
        "final": (
            "Final notice: {{ totals|join:', ' }} overdue",
            "Dear {{ contact }},\n\ndespite our reminders the following "
            "item{{ items|length|pluralize }} remain unpaid:\n\n"
            "{% for i in items %}  {{ i.number }}  due {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} days overdue){% endif %}\n{% endfor %}"
            "{% if charges %}\nCharged now:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotal due: {{ totals|join:', ' }}\n"
            "{% if hold %}Until this is settled, new orders on invoice are paused.\n{% endif %}"
            "{% if iban %}Please transfer to {{ iban }}.\n{% endif %}"
            "Please pay now or contact us{% if staff_email %} at {{ staff_email }}{% endif %}.\n\n{{ seller }}",
        ),
        "thanks": (
            "Thank you for your payment",
            "Dear {{ contact }},\n\nthank you — your overdue balance is settled. "
            "{% if hold %}Orders on invoice are open again. {% endif %}"
            "We appreciate your business.\n\n{{ seller }}",
        ),
        "statement": (
            "Statement of account",
            "Dear {{ contact }},\n\nplease find attached your statement of account.\n\n{{ seller }}",
        ),
    },
    "de": {
        "before_due": (
            "Freundliche Erinnerung: {{ items|length }} Rechnung{{ items|length|pluralize:'en' }} bald fällig",
            "Sehr geehrte Damen und Herren,\n\nwir möchten Sie freundlich daran erinnern, dass "
            "folgende Rechnung{{ items|length|pluralize:'en' }} in Kürze fällig "
            "{{ items|length|pluralize:'wird,werden' }}:\n\n"
            "{% for i in items %}  {{ i.number }}  fällig {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nSumme: {{ totals|join:', ' }}\n{% if iban %}Bitte überweisen Sie auf {{ iban }}.\n{% endif %}"
            "Falls Sie bereits bezahlt haben, danken wir Ihnen.\n\n{{ seller }}",
        ),
        "overdue": (
            "Zahlungserinnerung: {{ totals|join:', ' }} überfällig",
            "Sehr geehrte Damen und Herren,\n\nfolgende Posten sind überfällig:\n\n"
            "{% for i in items %}  {{ i.number }}  fällig {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} Tage überfällig){% endif %}\n{% endfor %}"
            "{% if charges %}\nJetzt berechnet:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nFällig: {{ totals|join:', ' }}\n{% if iban %}Bitte überweisen Sie auf {{ iban }}.\n{% endif %}"
            "{% if statement %}Ihr Kontoauszug liegt bei.\n{% endif %}"
            "Falls Sie bereits bezahlt haben, danken wir Ihnen.\n\n{{ seller }}",
        ),
        "final": (
            "Letzte Mahnung: {{ totals|join:', ' }} überfällig",
            "Sehr geehrte Damen und Herren,\n\ntrotz unserer Erinnerungen sind folgende Posten offen:\n\n"
            "{% for i in items %}  {{ i.number }}  fällig {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} Tage überfällig){% endif %}\n{% endfor %}"
            "{% if charges %}\nJetzt berechnet:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nFällig: {{ totals|join:', ' }}\n"
            "{% if hold %}Bis zum Ausgleich sind neue Bestellungen auf Rechnung ausgesetzt.\n{% endif %}"
            "{% if iban %}Bitte überweisen Sie auf {{ iban }}.\n{% endif %}"
            "Bitte zahlen Sie umgehend oder kontaktieren Sie uns"
            "{% if staff_email %} unter {{ staff_email }}{% endif %}.\n\n{{ seller }}",
        ),
        "thanks": (
            "Vielen Dank für Ihre Zahlung",
            "Sehr geehrte Damen und Herren,\n\nvielen Dank — Ihr überfälliger Saldo ist ausgeglichen. "
            "{% if hold %}Bestellungen auf Rechnung sind wieder möglich. {% endif %}\n\n{{ seller }}",
        ),
        "statement": (
            "Kontoauszug",
            "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie Ihren Kontoauszug.\n\n{{ seller }}",
        ),
    },
}

TEMPLATES = ("before_due", "overdue", "final", "custom")


def language_pick(language: str) -> str:
    code = (language or "en").replace("-", "_").split("_")[0].lower()
    return code if code in BUILTIN else "en"


def render(*, template: str, language: str, context: dict, subject_template: str = "",
           body_template: str = "") -> tuple[str, str]:
    """(subject, body). A level's own subject/body win over the built-in text of its template."""
    subject_src, body_src = BUILTIN[language_pick(language)][template if template in BUILTIN["en"] else "overdue"]
    subject_src = subject_template or subject_src
    body_src = body_template or body_src
    ctx = Context(context)
    subject = _ENGINE.from_string(subject_src).render(ctx).strip().replace("\n", " ")
    return subject, _ENGINE.from_string(body_src).render(ctx)


def template_check(source: str) -> None:
    """Raises django.template.TemplateSyntaxError for a template that cannot be compiled."""
    _ENGINE.from_string(source)
