"""Bar item 4: a walk's follow-up report is published; participants with an e-mail receive it
(through the outbox and a real SMTP server on loopback), and the PDF they can download holds
the findings' statuses and none of the reporters' contact data or participants' names."""

from __future__ import annotations

import re
from datetime import timedelta

from conftest import SecondBrowser
from report_mail_support import *  # noqa: F403  (smtp_server and mail_config fixtures)
from report_mail_support import BASE_URL, parts
from walkreport_fixtures import *  # noqa: F403
from walkreport_fixtures import PRIVATE, build_story, pdf_text

from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.walkreports.models import WalkReportMailing


def run_worker(runner) -> None:
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def test_published_report_reaches_participants_and_its_pdf_is_clean(
    app, client, auth, runner, smtp_server
) -> None:
    story = build_story()
    # Two more people join from their phones; one leaves an address for the report.
    phone_da = SecondBrowser(app, app.response_class, use_cookies=True)
    phone_en = SecondBrowser(app, app.response_class, use_cookies=True)
    phone_en.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    story.walk.status = "running"
    db.session.commit()
    assert (
        phone_en.post(
            f"/j/{story.walk.join_token}",
            data={
                "role": "resident",
                "display_name": "Lise Navnesen",
                "email": "lise@example.net",
                "report_consent": "y",
            },
        ).status_code
        == 302
    )
    assert (
        phone_da.post(
            f"/j/{story.walk.join_token}", data={"role": "police", "display_name": "Betjent Bo"}
        ).status_code
        == 302
    )
    story.walk.status = "closed"
    db.session.commit()

    auth.login()
    resp = client.post(
        f"/walks/{story.walk.id}/report",
        data={
            "introduction": "Tak fordi I gik med.",
            "photos": [story.photo.id],
            "action": "publish",
        },
    )
    assert resp.status_code == 302
    run_worker(runner)

    received = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {
        "karen@example.dk",
        "ole@example.org",
        "lise@example.net",
        "reporter@example.dk",  # a consenting reporter of the walk
    }
    assert received["karen@example.dk"]["Subject"].startswith("I sagde – vi gjorde")
    assert received["lise@example.net"]["Subject"].startswith("You said, we did")
    assert received["ole@example.org"]["Subject"].startswith("You said, we did")
    body = parts(received["lise@example.net"])
    link = re.search(re.escape(BASE_URL) + r"(/r/[A-Za-z0-9_-]+)\?lang=en", body["text/plain"])
    assert link, body["text/plain"]
    for message in smtp_server.messages:
        everything = " ".join(parts(message).values())
        for secret in (*PRIVATE, "Lise Navnesen", "Betjent Bo"):
            assert secret not in everything

    # The link in the e-mail opens the report; its PDF has every finding's status.
    reader = SecondBrowser(app, app.response_class, use_cookies=True)
    path = link.group(1)
    assert reader.get(path + "?lang=en").status_code == 200
    pdf = reader.get(path + ".pdf?lang=en")
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.data).split())
    for status in ("Resolved", "In progress", "Rejected", "Received"):
        assert status in text, status
    for secret in (*PRIVATE, "Lise Navnesen", "Betjent Bo", "lise@example.net"):
        assert secret not in text, secret

    # An update the same week is held back, and sent by the daily command once the week is over.
    resp = client.post(
        f"/walks/{story.walk.id}/report",
        data={"introduction": "Nu er lamperne skiftet.", "action": "publish"},
    )
    flash = client.get(resp.headers["Location"]).text
    assert "Sendt på e-mail til 0 personer; 4 får den senere" in flash
    run_worker(runner)
    assert len(smtp_server.messages) == 4
    result = runner.invoke(args=["send-report-updates"])
    assert "0 report updates" in result.output
    for row in db.session.query(WalkReportMailing):
        row.last_sent_at = utcnow() - timedelta(days=8)
    db.session.commit()
    result = runner.invoke(args=["send-report-updates"])
    assert "4 report updates" in result.output, result.output
    run_worker(runner)
    assert len(smtp_server.messages) == 8
    updated = [m for m in smtp_server.messages[4:] if m["To"] == "karen@example.dk"]
    assert updated and updated[0]["Subject"].startswith("Opdateret")
