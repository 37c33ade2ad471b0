"""The words column names and values are written in, in the languages exports come in.

Column names are read as English tokens (:mod:`.names`); exports from German,
French, Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Finnish and
Polish systems name the same things in
their own words. This module maps those words to the English tokens, written
systematically per meaning and language (customer number, date, amount,
total, status, text and comment, rating, name, first name, surname, e-mail,
phone, postcode, city, gender, age, birth date, region, country …), plus the
stems German and Dutch glue into compounds (``Auftrags``-, ``Geburts``-), the
conventional abbreviations of data warehouses (``txn``, ``amt``, ``cd``,
``grp``), words that say a value is money (currency codes and signs), and the
status, channel and event words values are written in.

Words are compared folded: lower case, accents removed, ``ß`` as ``ss``; a
German word with an umlaut also matches its transliteration (``ä`` → ``ae``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from segapp.services.ingest.vocabulary_north import BY_MEANING_NORTH_EAST

_LIGATURES = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}
)  # fmt: skip
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _words(text: str) -> frozenset[str]:
    """The words of a space-separated list."""
    return frozenset(text.split())


def fold(text: str) -> str:
    """Text without accents (``Straße`` → ``Strasse``, ``Währung`` → ``Wahrung``), case kept."""
    text = str(text).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def spellings(word: str) -> Iterator[str]:
    """The folded spellings of a word: accents dropped, and umlauts as ae/oe/ue."""
    yield fold(word).lower()
    if any(char in word for char in "äöüÄÖÜ"):
        yield fold(word.translate(_UMLAUTS)).lower()


# Meaning (English tokens as :mod:`.names` reads them) -> words per language (de fr es it pt nl).
_BY_MEANING: dict[str, dict[str, str]] = {
    # parties: who a row is about
    "customer": {"de": "kunde kunden kundin", "fr": "client clients cliente", "es": "cliente",
                 "it": "cliente clienti", "pt": "cliente", "nl": "klant klanten"},
    "user": {"de": "nutzer benutzer anwender", "fr": "utilisateur usager", "es": "usuario",
             "it": "utente", "pt": "usuario", "nl": "gebruiker"},
    "member": {"de": "mitglied", "fr": "membre adherent", "es": "miembro socio", "it": "socio",
               "pt": "membro socio", "nl": "deelnemer"},
    "account": {"de": "konto", "fr": "compte", "es": "cuenta", "it": "conto", "pt": "conta"},
    "player": {"de": "spieler", "fr": "joueur", "es": "jugador", "it": "giocatore",
               "pt": "jogador", "nl": "speler"},
    "buyer": {"de": "käufer kaufer", "fr": "acheteur", "es": "comprador", "it": "acquirente",
              "pt": "comprador", "nl": "koper"},
    "subscriber": {"de": "abonnent", "fr": "abonne", "es": "suscriptor", "it": "abbonato",
                   "pt": "assinante", "nl": "abonnee"},
    "author": {"de": "autor verfasser", "fr": "auteur", "es": "autor", "it": "autore",
               "pt": "autor", "nl": "auteur"},
    "guest": {"de": "gast", "fr": "invite", "es": "huesped", "it": "ospite", "pt": "hospede"},
    "contact": {"de": "kontakt", "es": "contacto", "it": "contatto", "pt": "contato contacto"},
    "respondent": {"de": "befragter teilnehmer", "fr": "repondant", "es": "encuestado",
                   "it": "rispondente intervistato", "pt": "respondente", "nl": "respondent"},
    # what a column holds about an entity
    "number": {"de": "nummer nr", "fr": "numero num", "es": "numero num", "it": "numero",
               "pt": "numero", "nl": "nummer nr"},
    "id": {"de": "kennung kennnummer", "fr": "identifiant", "es": "identificador",
           "it": "identificativo", "pt": "identificador"},
    "code": {"de": "schlussel", "es": "codigo", "it": "codice", "pt": "codigo"},
    "date": {"de": "datum", "fr": "date", "es": "fecha", "nl": "datum"},
    "time": {"de": "zeit uhrzeit", "fr": "heure", "es": "hora", "pt": "hora", "nl": "tijd"},
    "timestamp": {"de": "zeitstempel", "fr": "horodatage", "es": "marca temporal"},
    "created": {"de": "erstellt angelegt", "fr": "cree creee", "es": "creado creada",
                "it": "creato creata", "pt": "criado criada", "nl": "aangemaakt"},
    "on": {"de": "am"},
    "amount": {"de": "betrag", "fr": "montant", "es": "importe monto", "it": "importo",
               "pt": "valor montante", "nl": "bedrag"},
    "total": {"de": "summe gesamt gesamtbetrag endbetrag", "fr": "totale", "es": "total",
              "it": "totale", "pt": "total", "nl": "totaal"},
    "price": {"de": "preis", "fr": "prix", "es": "precio", "it": "prezzo", "pt": "preco",
              "nl": "prijs"},
    "revenue": {"de": "umsatz", "fr": "chiffre", "es": "ingresos", "it": "fatturato",
                "pt": "receita faturamento", "nl": "omzet"},
    "full": {"de": "vollstandig", "fr": "complet", "es": "completo", "it": "completo",
             "pt": "completo", "nl": "volledig"},
    "value": {"de": "wert", "fr": "valeur", "it": "valore", "nl": "waarde"},
    "gross": {"de": "brutto", "fr": "ttc", "es": "bruto", "it": "lordo", "pt": "bruto",
              "nl": "bruto"},
    "net": {"de": "netto", "fr": "ht", "es": "neto", "it": "netto", "pt": "liquido",
            "nl": "netto"},
    "vat": {"de": "mwst ust", "fr": "tva", "es": "iva", "it": "iva", "pt": "iva", "nl": "btw"},
    "tax": {"de": "steuer", "fr": "impot taxe", "es": "impuesto", "it": "imposta",
            "pt": "imposto", "nl": "belasting"},
    "discount": {"de": "rabatt", "fr": "remise", "es": "descuento", "it": "sconto",
                 "pt": "desconto", "nl": "korting"},
    "shipping": {"de": "versand versandkosten", "fr": "livraison", "es": "envio",
                 "it": "spedizione", "pt": "frete", "nl": "verzending"},
    "currency": {"de": "währung", "fr": "devise", "es": "moneda divisa", "it": "valuta",
                 "pt": "moeda", "nl": "valuta"},
    "quantity": {"de": "menge anzahl stuckzahl", "fr": "quantite", "es": "cantidad",
                 "it": "quantita", "pt": "quantidade", "nl": "aantal"},
    "status": {"de": "status zustand", "fr": "statut", "es": "situacion", "pt": "situacao",
               "nl": "status"},
    # "estado", "état", "stato": an order's status or a country's state; values decide
    "state": {"fr": "etat", "es": "estado", "it": "stato", "pt": "estado"},
    "type": {"de": "art typ", "fr": "type", "es": "tipo", "it": "tipo", "pt": "tipo",
             "nl": "soort"},
    "channel": {"de": "kanal", "fr": "canal", "es": "canal", "it": "canale", "pt": "canal",
                "nl": "kanaal"},
    "source": {"de": "quelle herkunft", "fr": "origine", "es": "fuente origen", "it": "fonte",
               "pt": "fonte origem", "nl": "bron"},
    "payment": {"de": "zahlung", "fr": "paiement", "es": "pago", "it": "pagamento",
                "pt": "pagamento", "nl": "betaling"},
    "event": {"de": "ereignis", "fr": "evenement", "es": "evento", "it": "evento",
              "pt": "evento", "nl": "gebeurtenis"},
    "action": {"de": "aktion", "es": "accion", "it": "azione", "pt": "acao", "nl": "actie"},
    # texts people write
    "text": {"de": "text", "fr": "texte", "es": "texto", "it": "testo", "pt": "texto",
             "nl": "tekst"},
    "comment": {"de": "kommentar", "fr": "commentaire", "es": "comentario",
                "it": "commento", "pt": "comentario", "nl": "commentaar"},
    "remark": {"de": "bemerkung anmerkung notiz", "fr": "remarque", "es": "observaciones",
               "it": "osservazioni", "pt": "observacao observacoes", "nl": "opmerking"},
    "review": {"de": "rezension", "fr": "avis", "es": "resena", "it": "recensione",
               "pt": "resenha", "nl": "recensie"},
    "message": {"de": "nachricht", "fr": "message", "es": "mensaje", "it": "messaggio",
                "pt": "mensagem", "nl": "bericht"},
    "description": {"de": "beschreibung", "fr": "description", "es": "descripcion",
                    "it": "descrizione", "pt": "descricao", "nl": "omschrijving beschrijving"},
    "answer": {"de": "antwort", "fr": "reponse", "es": "respuesta", "it": "risposta",
               "pt": "resposta", "nl": "antwoord"},
    "reason": {"de": "grund", "fr": "raison motif", "es": "motivo", "it": "motivo",
               "pt": "motivo", "nl": "reden"},
    "subject": {"de": "betreff", "fr": "objet", "es": "asunto", "it": "oggetto",
                "pt": "assunto", "nl": "onderwerp"},
    "title": {"de": "titel", "fr": "titre", "es": "titulo", "it": "titolo", "pt": "titulo",
              "nl": "titel"},
    "rating": {"de": "bewertung", "fr": "evaluation notation", "es": "valoracion calificacion "
               "puntuacion", "it": "valutazione punteggio", "pt": "avaliacao pontuacao",
               "nl": "beoordeling waardering"},
    "stars": {"de": "sterne", "fr": "etoiles", "es": "estrellas", "it": "stelle",
              "pt": "estrelas", "nl": "sterren"},
    # people's identifiers
    "name": {"de": "name", "fr": "nom", "es": "nombre", "it": "nome", "pt": "nome",
             "nl": "naam"},
    "firstname": {"de": "vorname rufname", "fr": "prenom", "es": "nombre_de_pila",
                  "it": "nome_proprio", "pt": "primeiro_nome", "nl": "voornaam"},
    "surname": {"de": "nachname familienname zuname", "fr": "nom_de_famille",
                "es": "apellido apellidos", "it": "cognome", "pt": "sobrenome apelido",
                "nl": "achternaam"},
    "family": {"fr": "famille", "es": "familia", "it": "famiglia", "pt": "familia",
               "nl": "familie"},
    "email": {"de": "email", "fr": "courriel", "es": "correo", "it": "posta_elettronica",
              "pt": "correio_eletronico"},
    "phone": {"de": "telefon handy mobil mobilnummer rufnummer", "fr": "telephone portable",
              "es": "telefono movil celular", "it": "telefono cellulare", "pt": "telefone "
              "celular telemovel", "nl": "telefoon mobiel"},
    "address": {"de": "adresse anschrift hausnummer", "fr": "adresse", "es": "direccion "
                "domicilio", "it": "indirizzo", "pt": "endereco morada", "nl": "adres"},
    "street": {"de": "strasse", "fr": "rue", "es": "calle", "pt": "rua", "nl": "straat"},
    # who people are: sensitive
    "postcode": {"de": "plz postleitzahl", "fr": "code_postal", "es": "codigo_postal",
                 "it": "cap codice_postale", "pt": "cep codigo_postal", "nl": "postcode"},
    "city": {"de": "ort stadt wohnort gemeinde", "fr": "ville commune", "es": "ciudad "
             "localidad municipio", "it": "citta comune localita", "pt": "cidade localidade "
             "municipio", "nl": "stad plaats woonplaats gemeente"},
    "country": {"de": "land", "fr": "pays", "es": "pais", "it": "paese nazione",
                "pt": "pais", "nl": "land"},
    "region": {"de": "region bundesland kanton", "fr": "region departement", "es": "region "
               "comunidad", "it": "regione", "pt": "regiao distrito", "nl": "regio"},
    "province": {"de": "provinz", "fr": "province", "es": "provincia", "it": "provincia",
                 "pt": "provincia", "nl": "provincie"},
    "gender": {"de": "geschlecht", "fr": "sexe genre", "es": "sexo genero",
               "it": "sesso genere",
               "pt": "sexo genero", "nl": "geslacht"},
    "age": {"de": "alter", "fr": "age", "es": "edad", "it": "età", "pt": "idade",
            "nl": "leeftijd"},
    "birth": {"de": "geburt geburtstag", "fr": "naissance", "es": "nacimiento",
              "it": "nascita", "pt": "nascimento", "nl": "geboorte"},
    "birth date": {"de": "geburtsdatum", "nl": "geboortedatum"},
    "nationality": {"de": "nationalität staatsangehörigkeit", "fr": "nationalite",
                    "es": "nacionalidad", "it": "nazionalita", "pt": "nacionalidade",
                    "nl": "nationaliteit"},
    "ethnicity": {"de": "ethnie", "fr": "ethnie origine_ethnique", "es": "etnia", "it": "etnia",
                  "pt": "etnia", "nl": "etniciteit"},
    "religion": {"de": "religion konfession", "fr": "religion", "es": "religion",
                 "it": "religione", "pt": "religiao", "nl": "religie"},
    "marital": {"de": "familienstand", "fr": "etat_civil", "es": "estado_civil",
                "it": "stato_civile", "pt": "estado_civil", "nl": "burgerlijke_staat"},
    # things that are not people
    "order": {"de": "bestellung auftrag", "fr": "commande", "es": "pedido orden",
              "it": "ordine", "pt": "pedido encomenda", "nl": "bestelling"},
    "invoice": {"de": "rechnung", "fr": "facture", "es": "factura", "it": "fattura",
                "pt": "fatura", "nl": "factuur"},
    "transaction": {"de": "transaktion buchung", "es": "transaccion", "it": "transazione",
                    "pt": "transacao", "nl": "transactie"},
    "product": {"de": "produkt artikel", "fr": "produit article", "es": "producto articulo",
                "it": "prodotto articolo", "pt": "produto artigo", "nl": "product artikel"},
    "store": {"de": "filiale geschaft laden", "fr": "magasin boutique", "es": "tienda",
              "it": "negozio punto_vendita", "pt": "loja", "nl": "winkel filiaal"},
    "session": {"de": "sitzung", "fr": "seance", "es": "sesion", "it": "sessione",
                "pt": "sessao", "nl": "sessie"},
    "delivery": {"de": "lieferung", "es": "entrega", "it": "consegna", "pt": "entrega",
                 "nl": "levering"},
}  # fmt: skip

# Stems glued to the front of German and Dutch compounds (Auftrags|nummer, Geburts|datum).
_COMPOUND_HEADS: dict[str, str] = {
    "customer": "kunden kund kd klant kunde asiakas", "order": "bestell auftrags bestel order",
    "birth": "geburts geboorte fodelse fodsels syntyma", "delivery": "liefer lever",
    "invoice": "rechnungs",
    "payment": "zahlungs zahl betalings", "shipping": "versand verzend", "product": "artikel",
    "member": "mitglieds lid medlems", "phone": "telefon telefoon handy",
    "sales": "verkaufs vertrieb",
    "transaction": "transaktions buchungs", "user": "benutzer nutzer gebruikers",
    "store": "filial winkel", "street": "gatu katu",
}  # fmt: skip

# Short conventional abbreviations of data warehouses and legacy systems, any language.
ABBREVIATIONS: dict[str, str] = {
    "txn": "transaction", "trx": "transaction", "trans": "transaction", "amt": "amount",
    "dt": "date", "ts": "timestamp", "tm": "time", "qty": "quantity", "nm": "name",
    "no": "no", "nr": "nr", "num": "num", "nbr": "number", "cd": "code", "grp": "group",
    "addr": "address", "tel": "phone", "ph": "phone", "yr": "year", "dob": "dob",
    "cust": "customer", "acct": "account", "acc": "account", "usr": "user", "mbr": "member",
    "ln": "line", "desc": "description", "msg": "message", "cmt": "comment", "evt": "event",
    "cnt": "count", "val": "value", "bal": "balance", "flg": "flag", "ind": "indicator",
    "pct": "percent", "pmt": "payment", "pymt": "payment", "inv": "invoice", "prod": "product",
    "mktg": "marketing", "mkt": "marketing", "kd": "customer", "auth": "authorization",
    "landline": "phone", "ship": "shipping", "bill": "billing",
}  # fmt: skip

# Words that are never abbreviations of a longer word (common in column names as they are).
NOT_ABBREVIATIONS = _words(
    "geo app use pro sub max min new old top end set tag tags log web bot act pos ads api env "
    "doc img pic url uri sku usd src dst per pre non all any own org com sum avg iap mrr arr "
    "ltv clv kpi utm seo sms otp pin vip tier plan mode lang dev ext ref has was are"
)

# Little words between the words of a name in some languages ("date de naissance").
STOP_WORDS = _words(
    "de du des la le les del della dello di da do dos das van het der den von vom zum zur el "
    "los las il lo en et y e und electronico electronica elettronica eletronico electronique in "
    "och og i"
)

# Words saying a value is money: currency codes and symbols (a name like "iap_usd" or "Summe €").
CURRENCY_CODES = _words(
    "usd eur gbp chf jpy cny rmb cad aud nzd sek nok dkk pln czk huf ron bgn inr brl mxn ars "
    "clp cop zar sgd hkd krw twd thb idr myr php try ils aed sar rub uah"
)
CURRENCY_SIGNS = "€$£¥₹₩₽₺₪"

# Status values by outcome (see `outcomes`), beyond English.
STATUS_VALUES: dict[str, str] = {
    "return": "erstattet ruckerstattet rückerstattet retourniert retoure zuruckgesendet "
              "rückbuchung rucklastschrift rücklastschrift gutschrift rembourse remboursee "
              "retourne retournee retrofacturation reembolsado reembolsada devuelto devuelta "
              "devolucion contracargo rimborsato rimborsata reso restituito devolvido "
              "devolvida estornado estornada reembolso terugbetaald geretourneerd "
              "teruggestuurd terugboeking",
    "cancelled": "storniert abgebrochen fehlgeschlagen abgelehnt annulliert ungultig ungültig "
                 "annule annulee echoue echouee refuse refusee expire expiree cancelado "
                 "cancelada anulado anulada fallido fallida rechazado rechazada caducado "
                 "annullato annullata cancellato cancellata fallito fallita rifiutato "
                 "rifiutata respinto scaduto falhou falhado falhada recusado recusada "
                 "rejeitado rejeitada expirado geannuleerd mislukt geweigerd afgewezen "
                 "verlopen",
    "pending": "bearbeitung offen ausstehend wartend neu unbezahlt attente cours nouveau "
               "nouvelle impaye impayee pendiente proceso procesando nuevo nueva attesa "
               "corso lavorazione nuovo nuova pendente processamento aguardando novo nova "
               "behandeling openstaand wachtend nieuw onbetaald verwerking",
    "purchase": "abgeschlossen bezahlt geliefert versendet versandt erledigt erfolgreich "
                "bestatigt bestätigt zugestellt termine terminee complete completee paye "
                "payee livre livree expedie expediee valide validee confirme confirmee "
                "reussi completado completada pagado pagada entregado entregada enviado "
                "enviada confirmado confirmada finalizado finalizada exitoso completato "
                "completata pagato pagata consegnato consegnata spedito spedita confermato "
                "confermata evaso evasa concluido concluida pago paga entregue aprovado "
                "aprovada voltooid betaald geleverd verzonden afgerond bevestigd",
}  # fmt: skip
NEGATION_WORDS = _words("not un non no nicht kein keine pas nao niet")

# Where a text or an order came from, as channel columns write it.
CHANNEL_VALUES = _words(
    "email e_mail mail sms text chat livechat live_chat messenger whatsapp phone call calls "
    "telephone voice voicemail web website web_form webform online app mobile mobile_app in_app "
    "ios android store in_store instore retail pos shop social facebook twitter x instagram "
    "tiktok youtube linkedin reddit pinterest snapchat google trustpilot app_store play_store "
    "api widget portal kiosk catalogue catalog mail_order telefon telefono telefone telefoon "
    "filiale tienda negozio loja winkel"
)

# Verbs and nouns that event names are made of (app_open, subscription_create, level_fail).
EVENT_VALUE_WORDS = _words(
    "open opened close closed create created update updated delete deleted start started end "
    "ended begin complete completed finish finished fail failed view viewed click clicked tap "
    "tapped login logout log_in log_out signin signout sign_in sign_up signup register "
    "registered subscribe subscribed unsubscribe unsubscribed renew renewal renewed cycle "
    "upgrade upgraded downgrade downgraded cancel cancelled canceled purchase purchased buy "
    "bought order ordered add added remove removed search searched share shared watch watched "
    "play played install installed uninstall uninstalled visit visited checkout pay paid refund "
    "refunded return returned sale void send sent receive received submit submitted download "
    "downloaded launch launched session pageview page_view screen_view impression"
)


def _expanded(*tables: dict[str, dict[str, str]]) -> dict[str, tuple[str, ...]]:
    words: dict[str, tuple[str, ...]] = {}
    for meaning, by_language in (item for table in tables for item in table.items()):
        tokens = tuple(meaning.split())
        for listed in by_language.values():
            for word in listed.split():
                for spelling in spellings(word.replace("_", " ")):
                    words.setdefault(spelling, tokens)
    return words


FOREIGN_WORDS: dict[str, tuple[str, ...]] = {
    word: tokens
    for word, tokens in _expanded(_BY_MEANING, BY_MEANING_NORTH_EAST).items()
    if " " not in word
}
"""A word of another language -> the English tokens it means ("kundennummer" is found by
compound splitting, "vorname" -> ("firstname",))."""

FOREIGN_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(word.split()): tokens
    for word, tokens in _expanded(_BY_MEANING, BY_MEANING_NORTH_EAST).items()
    if " " in word
}
"""Phrases of several words ("code postal", "nom de famille") -> the English tokens."""

COMPOUND_HEADS: dict[str, str] = {
    spelling: meaning
    for meaning, listed in _COMPOUND_HEADS.items()
    for word in listed.split()
    for spelling in spellings(word)
}


def status_words() -> dict[str, frozenset[str]]:
    """Outcome -> the folded status words of every language listed here."""
    return {
        outcome: frozenset(
            spelling for word in listed.split() for spelling in spellings(word.replace("_", " "))
        )
        for outcome, listed in STATUS_VALUES.items()
    }


def value_words(value: object) -> list[str]:
    """A value's words, folded and lower case ("Zahlung fehlgeschlagen" -> two words)."""
    text = fold(str(value)).lower()
    return [word for word in _split_words(text) if word]


def _split_words(text: str) -> Iterable[str]:
    word = []
    for char in text:
        if char.isalnum():
            word.append(char)
        else:
            yield "".join(word)
            word = []
    yield "".join(word)
