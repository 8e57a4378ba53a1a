"""Reminder, thank-you and staff messages: built-in templates per language (the invoices' languages:
en, de, fr, es, it, nl, pl) or a level's
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
    "fr": {
        "before_due": (
            "Rappel amical : {{ items|length }} facture{{ items|length|pluralize }} bientôt à échéance",
            "Madame, Monsieur,\n\nnous nous permettons de vous rappeler que "
            "{{ items|length|pluralize:'la facture suivante arrive,les factures suivantes arrivent' }} "
            "bientôt à échéance :\n\n"
            "{% for i in items %}  {{ i.number }}  échéance {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nTotal : {{ totals|join:', ' }}\n{% if iban %}Merci d'effectuer le virement sur {{ iban }}.\n{% endif %}"
            "Si vous avez déjà réglé, merci — veuillez ne pas tenir compte de ce message.\n\n{{ seller }}",
        ),
        "overdue": (
            "Relance de paiement : {{ totals|join:', ' }} en retard",
            "Madame, Monsieur,\n\nsauf erreur de notre part, "
            "{{ items|length|pluralize:'le poste suivant est échu,les postes suivants sont échus' }} :\n\n"
            "{% for i in items %}  {{ i.number }}  échéance {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} jours de retard){% endif %}\n{% endfor %}"
            "{% if charges %}\nFacturé ce jour :\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotal dû : {{ totals|join:', ' }}\n{% if iban %}Merci d'effectuer le virement sur {{ iban }}.\n{% endif %}"
            "{% if statement %}Votre relevé de compte est joint.\n{% endif %}"
            "Si vous avez déjà réglé, merci — veuillez ne pas tenir compte de ce message.\n\n{{ seller }}",
        ),
        "final": (
            "Dernier rappel : {{ totals|join:', ' }} en retard",
            "Madame, Monsieur,\n\nmalgré nos relances, "
            "{{ items|length|pluralize:'le poste suivant reste impayé,les postes suivants restent impayés' }} :\n\n"
            "{% for i in items %}  {{ i.number }}  échéance {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} jours de retard){% endif %}\n{% endfor %}"
            "{% if charges %}\nFacturé ce jour :\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotal dû : {{ totals|join:', ' }}\n"
            "{% if hold %}Jusqu'au règlement, les nouvelles commandes sur facture sont suspendues.\n{% endif %}"
            "{% if iban %}Merci d'effectuer le virement sur {{ iban }}.\n{% endif %}"
            "Merci de régler sans délai ou de nous contacter{% if staff_email %} à {{ staff_email }}{% endif %}."
            "\n\n{{ seller }}",
        ),
        "thanks": (
            "Merci pour votre paiement",
            "Madame, Monsieur,\n\nmerci — votre solde en retard est réglé. "
            "{% if hold %}Les commandes sur facture sont de nouveau possibles. {% endif %}"
            "Nous vous remercions de votre confiance.\n\n{{ seller }}",
        ),
        "statement": (
            "Relevé de compte",
            "Madame, Monsieur,\n\nveuillez trouver ci-joint votre relevé de compte.\n\n{{ seller }}",
        ),
    },
    "es": {
        "before_due": (
            "Recordatorio: {{ items|length }} factura{{ items|length|pluralize }} próxima{{ items|length|pluralize }} "
            "a vencer",
            "Estimados señores:\n\nles recordamos que "
            "{{ items|length|pluralize:'la siguiente factura vence,las siguientes facturas vencen' }} en breve:\n\n"
            "{% for i in items %}  {{ i.number }}  vence {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nTotal: {{ totals|join:', ' }}\n{% if iban %}Les rogamos transfieran a {{ iban }}.\n{% endif %}"
            "Si ya han pagado, muchas gracias — por favor ignoren este mensaje.\n\n{{ seller }}",
        ),
        "overdue": (
            "Recordatorio de pago: {{ totals|join:', ' }} vencido",
            "Estimados señores:\n\nsegún nuestros registros, "
            "{{ items|length|pluralize:'la siguiente partida está vencida,las siguientes partidas están vencidas' }}:"
            "\n\n{% for i in items %}  {{ i.number }}  vence {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} días de retraso){% endif %}\n{% endfor %}"
            "{% if charges %}\nCargado ahora:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotal adeudado: {{ totals|join:', ' }}\n{% if iban %}Les rogamos transfieran a {{ iban }}.\n{% endif %}"
            "{% if statement %}Adjuntamos su extracto de cuenta.\n{% endif %}"
            "Si ya han pagado, muchas gracias — por favor ignoren este mensaje.\n\n{{ seller }}",
        ),
        "final": (
            "Último aviso: {{ totals|join:', ' }} vencido",
            "Estimados señores:\n\npese a nuestros recordatorios, "
            "{{ items|length|pluralize:'la siguiente partida sigue pendiente,las siguientes partidas siguen pendientes' }}:"
            "\n\n{% for i in items %}  {{ i.number }}  vence {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} días de retraso){% endif %}\n{% endfor %}"
            "{% if charges %}\nCargado ahora:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotal adeudado: {{ totals|join:', ' }}\n"
            "{% if hold %}Hasta su liquidación, los nuevos pedidos a crédito quedan suspendidos.\n{% endif %}"
            "{% if iban %}Les rogamos transfieran a {{ iban }}.\n{% endif %}"
            "Les rogamos paguen de inmediato o nos contacten{% if staff_email %} en {{ staff_email }}{% endif %}."
            "\n\n{{ seller }}",
        ),
        "thanks": (
            "Gracias por su pago",
            "Estimados señores:\n\nmuchas gracias — su saldo vencido está liquidado. "
            "{% if hold %}Los pedidos a crédito vuelven a estar disponibles. {% endif %}"
            "Agradecemos su confianza.\n\n{{ seller }}",
        ),
        "statement": (
            "Extracto de cuenta",
            "Estimados señores:\n\nadjuntamos su extracto de cuenta.\n\n{{ seller }}",
        ),
    },
    "it": {
        "before_due": (
            "Promemoria: {{ items|length }} fattur{{ items|length|pluralize:'a,e' }} in scadenza",
            "Gentili signori,\n\nvi ricordiamo che "
            "{{ items|length|pluralize:'la seguente fattura scade,le seguenti fatture scadono' }} a breve:\n\n"
            "{% for i in items %}  {{ i.number }}  scadenza {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nTotale: {{ totals|join:', ' }}\n{% if iban %}Vi preghiamo di effettuare il bonifico su {{ iban }}.\n"
            "{% endif %}Se avete già pagato, grazie — ignorate questo messaggio.\n\n{{ seller }}",
        ),
        "overdue": (
            "Sollecito di pagamento: {{ totals|join:', ' }} scaduto",
            "Gentili signori,\n\ndai nostri registri "
            "{{ items|length|pluralize:'risulta scaduta la seguente partita,risultano scadute le seguenti partite' }}:"
            "\n\n{% for i in items %}  {{ i.number }}  scadenza {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} giorni di ritardo){% endif %}\n{% endfor %}"
            "{% if charges %}\nAddebitato ora:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotale dovuto: {{ totals|join:', ' }}\n"
            "{% if iban %}Vi preghiamo di effettuare il bonifico su {{ iban }}.\n{% endif %}"
            "{% if statement %}In allegato il vostro estratto conto.\n{% endif %}"
            "Se avete già pagato, grazie — ignorate questo messaggio.\n\n{{ seller }}",
        ),
        "final": (
            "Ultimo sollecito: {{ totals|join:', ' }} scaduto",
            "Gentili signori,\n\nnonostante i nostri solleciti "
            "{{ items|length|pluralize:'la seguente partita risulta ancora aperta,le seguenti partite risultano ancora aperte' }}:"
            "\n\n{% for i in items %}  {{ i.number }}  scadenza {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} giorni di ritardo){% endif %}\n{% endfor %}"
            "{% if charges %}\nAddebitato ora:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotale dovuto: {{ totals|join:', ' }}\n"
            "{% if hold %}Fino al saldo, i nuovi ordini con pagamento a termine sono sospesi.\n{% endif %}"
            "{% if iban %}Vi preghiamo di effettuare il bonifico su {{ iban }}.\n{% endif %}"
            "Vi preghiamo di pagare subito o di contattarci{% if staff_email %} a {{ staff_email }}{% endif %}."
            "\n\n{{ seller }}",
        ),
        "thanks": (
            "Grazie per il vostro pagamento",
            "Gentili signori,\n\ngrazie — il vostro saldo scaduto è stato saldato. "
            "{% if hold %}Gli ordini con pagamento a termine sono di nuovo possibili. {% endif %}"
            "Vi ringraziamo per la fiducia.\n\n{{ seller }}",
        ),
        "statement": (
            "Estratto conto",
            "Gentili signori,\n\nin allegato trovate il vostro estratto conto.\n\n{{ seller }}",
        ),
    },
    "nl": {
        "before_due": (
            "Vriendelijke herinnering: {{ items|length }} factu{{ items|length|pluralize:'ur,ren' }} binnenkort "
            "vervallen",
            "Geachte heer, mevrouw,\n\ngraag herinneren wij u eraan dat "
            "{{ items|length|pluralize:'de volgende factuur binnenkort vervalt,de volgende facturen binnenkort vervallen' }}:"
            "\n\n{% for i in items %}  {{ i.number }}  vervalt {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nTotaal: {{ totals|join:', ' }}\n{% if iban %}Gelieve over te maken naar {{ iban }}.\n{% endif %}"
            "Heeft u al betaald, dan danken wij u — u kunt dit bericht negeren.\n\n{{ seller }}",
        ),
        "overdue": (
            "Betalingsherinnering: {{ totals|join:', ' }} achterstallig",
            "Geachte heer, mevrouw,\n\nvolgens onze administratie "
            "{{ items|length|pluralize:'is de volgende post vervallen,zijn de volgende posten vervallen' }}:\n\n"
            "{% for i in items %}  {{ i.number }}  vervalt {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} dagen te laat){% endif %}\n{% endfor %}"
            "{% if charges %}\nNu in rekening gebracht:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotaal verschuldigd: {{ totals|join:', ' }}\n{% if iban %}Gelieve over te maken naar {{ iban }}.\n"
            "{% endif %}{% if statement %}Uw rekeningoverzicht is bijgevoegd.\n{% endif %}"
            "Heeft u al betaald, dan danken wij u — u kunt dit bericht negeren.\n\n{{ seller }}",
        ),
        "final": (
            "Laatste aanmaning: {{ totals|join:', ' }} achterstallig",
            "Geachte heer, mevrouw,\n\nondanks onze herinneringen "
            "{{ items|length|pluralize:'staat de volgende post nog open,staan de volgende posten nog open' }}:\n\n"
            "{% for i in items %}  {{ i.number }}  vervalt {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  ({{ i.days }} dagen te laat){% endif %}\n{% endfor %}"
            "{% if charges %}\nNu in rekening gebracht:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nTotaal verschuldigd: {{ totals|join:', ' }}\n"
            "{% if hold %}Tot de betaling zijn nieuwe bestellingen op rekening opgeschort.\n{% endif %}"
            "{% if iban %}Gelieve over te maken naar {{ iban }}.\n{% endif %}"
            "Gelieve direct te betalen of contact met ons op te nemen{% if staff_email %} via {{ staff_email }}"
            "{% endif %}.\n\n{{ seller }}",
        ),
        "thanks": (
            "Bedankt voor uw betaling",
            "Geachte heer, mevrouw,\n\nbedankt — uw achterstallige saldo is voldaan. "
            "{% if hold %}Bestellen op rekening is weer mogelijk. {% endif %}"
            "Wij waarderen uw vertrouwen.\n\n{{ seller }}",
        ),
        "statement": (
            "Rekeningoverzicht",
            "Geachte heer, mevrouw,\n\nbijgaand ontvangt u uw rekeningoverzicht.\n\n{{ seller }}",
        ),
    },
    "pl": {
        "before_due": (
            "Przypomnienie: zbliża się termin płatności (faktury: {{ items|length }})",
            "Szanowni Państwo,\n\nuprzejmie przypominamy, że wkrótce mija termin płatności "
            "{{ items|length|pluralize:'następującej faktury,następujących faktur' }}:\n\n"
            "{% for i in items %}  {{ i.number }}  termin {{ i.due_date }}  {{ i.open }}\n{% endfor %}"
            "\nRazem: {{ totals|join:', ' }}\n{% if iban %}Prosimy o przelew na rachunek {{ iban }}.\n{% endif %}"
            "Jeśli płatność została już dokonana, dziękujemy — prosimy zignorować tę wiadomość.\n\n{{ seller }}",
        ),
        "overdue": (
            "Przypomnienie o płatności: {{ totals|join:', ' }} po terminie",
            "Szanowni Państwo,\n\nwedług naszych danych po terminie "
            "{{ items|length|pluralize:'jest następująca pozycja,są następujące pozycje' }}:\n\n"
            "{% for i in items %}  {{ i.number }}  termin {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  (dni po terminie: {{ i.days }}){% endif %}\n{% endfor %}"
            "{% if charges %}\nNaliczono teraz:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nDo zapłaty: {{ totals|join:', ' }}\n{% if iban %}Prosimy o przelew na rachunek {{ iban }}.\n{% endif %}"
            "{% if statement %}W załączeniu wyciąg z konta.\n{% endif %}"
            "Jeśli płatność została już dokonana, dziękujemy — prosimy zignorować tę wiadomość.\n\n{{ seller }}",
        ),
        "final": (
            "Ostateczne wezwanie: {{ totals|join:', ' }} po terminie",
            "Szanowni Państwo,\n\nmimo naszych przypomnień nieopłacone "
            "{{ items|length|pluralize:'pozostaje następująca pozycja,pozostają następujące pozycje' }}:\n\n"
            "{% for i in items %}  {{ i.number }}  termin {{ i.due_date }}  {{ i.open }}"
            "{% if i.days > 0 %}  (dni po terminie: {{ i.days }}){% endif %}\n{% endfor %}"
            "{% if charges %}\nNaliczono teraz:\n{% for c in charges %}  {{ c.description }}  {{ c.amount }}\n"
            "{% endfor %}{% endif %}"
            "\nDo zapłaty: {{ totals|join:', ' }}\n"
            "{% if hold %}Do czasu uregulowania nowe zamówienia z odroczonym terminem są wstrzymane.\n{% endif %}"
            "{% if iban %}Prosimy o przelew na rachunek {{ iban }}.\n{% endif %}"
            "Prosimy o niezwłoczną zapłatę lub kontakt{% if staff_email %} pod adresem {{ staff_email }}{% endif %}."
            "\n\n{{ seller }}",
        ),
        "thanks": (
            "Dziękujemy za płatność",
            "Szanowni Państwo,\n\ndziękujemy — zaległe saldo zostało uregulowane. "
            "{% if hold %}Zamówienia z odroczonym terminem płatności są znów możliwe. {% endif %}"
            "Dziękujemy za zaufanie.\n\n{{ seller }}",
        ),
        "statement": (
            "Wyciąg z konta",
            "Szanowni Państwo,\n\nw załączeniu przesyłamy wyciąg z Państwa konta.\n\n{{ seller }}",
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
