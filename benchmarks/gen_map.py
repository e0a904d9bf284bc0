"""Generate a realistic map of about N lines, for benchmarks: `python benchmarks/gen_map.py 10000`.

The map repeats realistic units (a team, systems with entities, a journey with stages and
touchpoints, a process with steps and a decision, integrations with map lines, a goal),
each with its own ids, all references resolving. Deterministic for a given N.
"""

from __future__ import annotations

import sys

__all__ = ["generate"]


def _unit(k: int) -> str:
    return f"""team sales{k} "Sales {k}"
team service{k} "Service {k}"

persona buyer{k} "Buyer {k}"
  needs "Be live within a week"
  pain "Long sign-up forms"

system crm{k} "CRM {k}" kind crm owner sales{k} users 120
  record-of customer{k}, opportunity{k}
system mkt{k} "Marketing {k}" kind marketing owner sales{k}
system desk{k} "Desk {k}" kind service owner service{k} record-of ticket{k}

entity mkt{k}.Contact "Contact"
  email: email pii required unique
  phone: phone pii
  lifecycle: enum(subscriber, lead, mql)
  consent_given: boolean consent

entity crm{k}.Lead "Lead" records 250_000 retain 3y
  email: email pii required unique
  phone: phone pii
  status: enum(new, working, qualified, disqualified)
  owner_id: id

entity desk{k}.Ticket "Ticket"
  ticket_id: id key
  subject: string required
  requester_email: email pii

journey onboarding{k} "Onboarding {k}" persona buyer{k} owner sales{k}
  stage aware "Awareness"
    touchpoint ad "LinkedIn ad" channel ads score 3 owner sales{k}
    touchpoint webinar "Product webinar" channel web score 4 owner sales{k} system mkt{k}
      captures mkt{k}.Contact.email, mkt{k}.Contact.phone
      pain "Registration asks for 12 fields"
      idea "Cut the form to 3 fields"
  stage buy "Purchase"
    touchpoint demo "Sales demo" channel phone score 5 owner sales{k} system crm{k} moment-of-truth
      kpi "Demo-to-close rate" target 25%
      backstage sell{k}.qualify, sell{k}.quote
  stage help "Support"
    touchpoint ticket "Support ticket" channel email score 2 owner service{k} system desk{k}
      captures desk{k}.Ticket.subject, desk{k}.Ticket.requester_email
      pain "Has to repeat the order number"
      idea "Show the order on the ticket form"

process sell{k} "Sell {k}" owner sales{k}
  step qualify "Qualify lead" owner sales{k} system crm{k} takes 2d sla 1d
  step quote "Send quote" owner sales{k} manual takes 1d sla 2d
  decision approved "Deal approved?"
    yes -> won
    no -> quote
    "Needs review" -> review
  step review "Review" owner service{k} manual takes 3d sla 4d -> quote
  end won "Customer won"

integration lead_sync{k} "Lead sync {k}" mkt{k} -> crm{k} every 15m via api owner sales{k}
  map Contact.email -> Lead.email key
  map Contact.phone -> Lead.phone
  map Contact.lifecycle -> Lead.status transform lifecycle_to_status

goal grow{k} "Grow {k}" owner sales{k}
  metric revenue baseline 1_000_000 USD target +10% by 2027-06-30
  cost 40_000 USD per year
  supported-by onboarding{k}.demo, sell{k}, lead_sync{k}

"""


def generate(lines: int) -> str:
    """A map of about `lines` lines (at least one unit)."""
    unit_lines = _unit(0).count("\n")
    units = max(1, lines // unit_lines)
    header = 'map "Generated map"\n  owner sales0\n  reviewed 2026-09-01\n\n'
    return header + "".join(_unit(k) for k in range(units))


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
