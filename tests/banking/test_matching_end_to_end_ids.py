"""The EndToEndId of each line in the pain.001 Cooperage writes is the one matching looks for:
unique per line, stable, and the file still valid against its XSD (sepaxml validates it)."""

import datetime

from lxml import etree

from payroll.documents import end_to_end_id, sepa_xml
from tests.banking.factories_match import approved_distribution

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def test_each_line_has_its_own_end_to_end_id(cooperative):
    cooperative.iban = "DE89370400440532013000"
    cooperative.legal_name = "Kooperative Test eG"
    cooperative.save()
    distribution = approved_distribution(
        cooperative,
        [
            ("member", "Ana", "1200.00"),
            ("member", "Bo", "1200.00"),
            ("commons", "Debian", "300.00"),
        ],
    )
    lines = list(distribution.lines.order_by("id"))
    document = etree.fromstring(sepa_xml(distribution, lines, datetime.date(2026, 10, 5)))
    written = document.xpath("//p:CdtTrfTxInf/p:PmtId/p:EndToEndId/text()", namespaces=NS)
    assert sorted(written) == sorted(end_to_end_id(line) for line in lines)
    assert len(set(written)) == 3
    assert all(len(value) <= 35 and value != "NOTPROVIDED" for value in written)
    assert end_to_end_id(lines[0]) == f"COOP{distribution.pk}L{lines[0].pk}"
