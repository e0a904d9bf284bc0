"""Small maps the command-line tests share."""

from __future__ import annotations

#: One warning, D302, which `crmdsl check --fix` fixes (and nothing else to find).
FIXABLE = """\
map "Tiny"
  owner ops
  reviewed 2026-09-01

team ops "Operations"
system crm "CRM" kind crm owner ops record-of customer

entity crm.Customer "Customer"
  id: string key
  mobile: phone
"""
