"""Amazon SES (v1): identities and sending. Messages land in Simfra's inbox
(`/_simfra/inbox`), one entry per recipient; nothing leaves the machine."""

import json
import urllib.request

import botocore.exceptions
import pytest


def inbox(endpoint, **query):
    q = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in query.items())
    with urllib.request.urlopen(f"{endpoint}/_simfra/inbox?{q}", timeout=10) as r:
        return json.loads(r.read())["Messages"]


@pytest.fixture(scope="module")
def ses(make_client):
    client = make_client("ses")
    client.verify_email_identity(EmailAddress="sender@example.com")
    client.verify_domain_identity(Domain="corp.example.org")
    return client


def test_identities_are_listed_and_verified(ses):
    token = ses.verify_domain_identity(Domain="corp.example.org")["VerificationToken"]
    assert token
    assert {"sender@example.com", "corp.example.org"} <= set(ses.list_identities()["Identities"])
    assert "corp.example.org" in ses.list_identities(IdentityType="Domain")["Identities"]
    assert "corp.example.org" not in ses.list_identities(IdentityType="EmailAddress")["Identities"]
    attrs = ses.get_identity_verification_attributes(Identities=["sender@example.com", "corp.example.org", "nobody@x.com"])["VerificationAttributes"]
    assert attrs["sender@example.com"]["VerificationStatus"] == "Success"
    assert attrs["corp.example.org"]["VerificationToken"] == token
    assert "nobody@x.com" not in attrs
    dkim = ses.verify_domain_dkim(Domain="corp.example.org")["DkimTokens"]
    assert len(dkim) == 3
    assert ses.get_identity_dkim_attributes(Identities=["corp.example.org"])["DkimAttributes"]["corp.example.org"]["DkimEnabled"] is True


def test_send_email_lands_in_the_inbox(ses, simfra_endpoint):
    out = ses.send_email(
        Source="Sender <sender@example.com>",
        Destination={"ToAddresses": ["ana@example.net"], "CcAddresses": ["bo@example.net"]},
        Message={"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "plain body"}, "Html": {"Data": "<p>html</p>"}}},
    )
    msgs = [m for m in inbox(simfra_endpoint, Destination="ana@example.net") if m["MessageId"] == out["MessageId"]]
    assert len(msgs) == 1
    assert (msgs[0]["Subject"], msgs[0]["Body"], msgs[0]["Html"], msgs[0]["Service"]) == ("Hello", "plain body", "<p>html</p>", "ses")
    assert any(m["MessageId"] == out["MessageId"] for m in inbox(simfra_endpoint, Destination="bo@example.net"))


def test_a_domain_identity_verifies_its_addresses(ses, simfra_endpoint):
    out = ses.send_email(Source="noreply@corp.example.org", Destination={"ToAddresses": ["c@example.net"]},
                         Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert out["MessageId"].endswith("-000000")


def test_unverified_source_is_rejected(ses):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ses.send_email(Source="stranger@example.com", Destination={"ToAddresses": ["a@example.net"]},
                       Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert e.value.response["Error"]["Code"] == "MessageRejected"
    assert "Email address is not verified" in e.value.response["Error"]["Message"]
    assert "stranger@example.com" in e.value.response["Error"]["Message"]


def test_templated_and_bulk_email_render_the_template(ses, simfra_endpoint):
    ses.create_template(Template={"TemplateName": "welcome", "SubjectPart": "Hi {{name}}", "TextPart": "Order {{order.id}}",
                                  "HtmlPart": "<b>{{name}}</b>"})
    out = ses.send_templated_email(Source="sender@example.com", Destination={"ToAddresses": ["t@example.net"]},
                                   Template="welcome", TemplateData=json.dumps({"name": "Ana", "order": {"id": 7}}))
    msg = next(m for m in inbox(simfra_endpoint, Destination="t@example.net") if m["MessageId"] == out["MessageId"])
    assert (msg["Subject"], msg["Body"]) == ("Hi Ana", "Order 7")
    rendered = ses.test_render_template(TemplateName="welcome", TemplateData='{"name": "Bo"}')["RenderedTemplate"]
    assert "Subject: Hi Bo" in rendered and "<b>Bo</b>" in rendered
    bulk = ses.send_bulk_templated_email(Source="sender@example.com", Template="welcome", DefaultTemplateData='{"name": "x"}',
                                         Destinations=[{"Destination": {"ToAddresses": ["b1@example.net"]}, "ReplacementTemplateData": '{"name": "B1"}'},
                                                       {"Destination": {"ToAddresses": ["b2@example.net"]}}])
    assert [s["Status"] for s in bulk["Status"]] == ["Success", "Success"]
    assert inbox(simfra_endpoint, Destination="b1@example.net")[-1]["Subject"] == "Hi B1"
    assert inbox(simfra_endpoint, Destination="b2@example.net")[-1]["Subject"] == "Hi x"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ses.send_templated_email(Source="sender@example.com", Destination={"ToAddresses": ["t@example.net"]}, Template="nope", TemplateData="{}")
    assert e.value.response["Error"]["Code"] == "TemplateDoesNotExist"


def test_raw_email_is_read_from_its_headers(ses, simfra_endpoint):
    raw = ("From: sender@example.com\r\nTo: r1@example.net, Raw Two <r2@example.net>\r\nSubject: Raw one\r\n"
           "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nraw text\r\n--b1--\r\n")
    out = ses.send_raw_email(RawMessage={"Data": raw})
    for to in ("r1@example.net", "r2@example.net"):
        msg = next(m for m in inbox(simfra_endpoint, Destination=to) if m["MessageId"] == out["MessageId"])
        assert (msg["Subject"], msg["Body"]) == ("Raw one", "raw text")
        assert msg["Raw"] == raw


def test_quota_and_statistics_count_what_was_sent(ses):
    before = ses.get_send_quota()["SentLast24Hours"]
    ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["q@example.net"]},
                   Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    quota = ses.get_send_quota()
    assert quota["SentLast24Hours"] == before + 1 and quota["Max24HourSend"] > 0
    assert sum(p["DeliveryAttempts"] for p in ses.get_send_statistics()["SendDataPoints"]) >= 1


def test_notification_settings_and_deletion(ses):
    ses.verify_email_identity(EmailAddress="temp@example.com")
    ses.set_identity_notification_topic(Identity="temp@example.com", NotificationType="Bounce", SnsTopic="arn:aws:sns:us-east-1:000000000000:bounces")
    ses.set_identity_feedback_forwarding_enabled(Identity="temp@example.com", ForwardingEnabled=False)
    attrs = ses.get_identity_notification_attributes(Identities=["temp@example.com"])["NotificationAttributes"]["temp@example.com"]
    assert attrs["BounceTopic"].endswith(":bounces") and attrs["ForwardingEnabled"] is False
    ses.delete_identity(Identity="temp@example.com")
    assert "temp@example.com" not in ses.list_identities()["Identities"]


# ------------------------------------------------------------------ SES v2


def test_v2_send_email_shares_identities_and_inbox(make_client, simfra_endpoint):
    v1, v2 = make_client("ses"), make_client("sesv2")
    v1.verify_email_identity(EmailAddress="v2sender@example.com")
    out = v2.send_email(FromEmailAddress="v2sender@example.com", Destination={"ToAddresses": ["v2@example.net"]},
                        Content={"Simple": {"Subject": {"Data": "From v2"}, "Body": {"Text": {"Data": "v2 body"}}}})
    msg = next(m for m in inbox(simfra_endpoint, Destination="v2@example.net") if m["MessageId"] == out["MessageId"])
    assert (msg["Subject"], msg["Body"]) == ("From v2", "v2 body")
    # An identity made with v2's CreateEmailIdentity verifies a domain's senders too.
    v2.create_email_identity(EmailIdentity="v2.example.org")
    v2.send_email(FromEmailAddress="any@v2.example.org", Destination={"ToAddresses": ["d@example.net"]},
                  Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        v2.send_email(FromEmailAddress="nobody@unverified.example", Destination={"ToAddresses": ["d@example.net"]},
                      Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}})
    assert e.value.response["Error"]["Code"] == "MessageRejected"
    account = v2.get_account()
    assert account["ProductionAccessEnabled"] is True and account["SendQuota"]["SentLast24Hours"] >= 2


def test_v2_templates_and_bulk(make_client, simfra_endpoint):
    v1, v2 = make_client("ses"), make_client("sesv2")
    v1.verify_email_identity(EmailAddress="bulk@example.com")
    v2.create_email_template(TemplateName="v2-welcome", TemplateContent={"Subject": "Hello {{name}}", "Text": "Hi {{name}}!"})
    out = v2.send_email(FromEmailAddress="bulk@example.com", Destination={"ToAddresses": ["t2@example.net"]},
                        Content={"Template": {"TemplateName": "v2-welcome", "TemplateData": '{"name": "Ana"}'}})
    msg = next(m for m in inbox(simfra_endpoint, Destination="t2@example.net") if m["MessageId"] == out["MessageId"])
    assert (msg["Subject"], msg["Body"]) == ("Hello Ana", "Hi Ana!")
    assert "Subject: Hello Bo" in v2.test_render_email_template(TemplateName="v2-welcome", TemplateData='{"name": "Bo"}')["RenderedTemplate"]
    bulk = v2.send_bulk_email(FromEmailAddress="bulk@example.com",
                              DefaultContent={"Template": {"TemplateName": "v2-welcome", "TemplateData": '{"name": "x"}'}},
                              BulkEmailEntries=[{"Destination": {"ToAddresses": ["bk1@example.net"]},
                                                 "ReplacementEmailContent": {"ReplacementTemplate": {"ReplacementTemplateData": '{"name": "K1"}'}}},
                                                {"Destination": {"ToAddresses": ["bk2@example.net"]}}])
    assert [r["Status"] for r in bulk["BulkEmailEntryResults"]] == ["SUCCESS", "SUCCESS"]
    assert inbox(simfra_endpoint, Destination="bk1@example.net")[-1]["Subject"] == "Hello K1"
    assert inbox(simfra_endpoint, Destination="bk2@example.net")[-1]["Subject"] == "Hello x"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        v2.test_render_email_template(TemplateName="missing", TemplateData="{}")
    assert e.value.response["Error"]["Code"] == "NotFoundException"


def test_v2_custom_verification_email(make_client, simfra_endpoint):
    v1, v2 = make_client("ses"), make_client("sesv2")
    v2.create_custom_verification_email_template(TemplateName="cv", FromEmailAddress="verify@example.com", TemplateSubject="Please verify",
                                                 TemplateContent="<a href='#'>verify</a>", SuccessRedirectionURL="https://example.com/ok",
                                                 FailureRedirectionURL="https://example.com/no")
    out = v2.send_custom_verification_email(EmailAddress="newuser@example.net", TemplateName="cv")
    msg = next(m for m in inbox(simfra_endpoint, Destination="newuser@example.net") if m["MessageId"] == out["MessageId"])
    assert msg["Subject"] == "Please verify"
    assert v1.get_identity_verification_attributes(Identities=["newuser@example.net"])["VerificationAttributes"]["newuser@example.net"]["VerificationStatus"] == "Success"


def test_v1_custom_verification_and_bounce(ses, simfra_endpoint):
    ses.create_custom_verification_email_template(TemplateName="v1cv", FromEmailAddress="sender@example.com", TemplateSubject="Verify me",
                                                  TemplateContent="<a>verify</a>", SuccessRedirectionURL="https://example.com/ok",
                                                  FailureRedirectionURL="https://example.com/no")
    out = ses.send_custom_verification_email(EmailAddress="joiner@example.net", TemplateName="v1cv")
    assert any(m["MessageId"] == out["MessageId"] for m in inbox(simfra_endpoint, Destination="joiner@example.net"))
    sent = ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["gone@example.net"]},
                          Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    bounce = ses.send_bounce(OriginalMessageId=sent["MessageId"], BounceSender="sender@example.com",
                             BouncedRecipientInfoList=[{"Recipient": "gone@example.net", "BounceType": "DoesNotExist"}])
    back = next(m for m in inbox(simfra_endpoint, Destination="sender@example.com") if m["MessageId"] == bounce["MessageId"])
    assert "gone@example.net" in back["Body"]
