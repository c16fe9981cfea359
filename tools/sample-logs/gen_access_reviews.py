#!/usr/bin/env python3
"""Write sample-logs/entra/access-reviews/: an Entra ID access review history report
(CSV, the documented columns of
https://learn.microsoft.com/en-us/entra/id-governance/access-reviews-downloadable-review-history)
for tenant A of sample-logs/entra, with the planted cases listed in PLANTED.md.

Deterministic: run it again and the files are byte-identical.
"""
import csv
import io
import os

TENANT = "3f1b6c2e-8a4d-4e1f-9c7b-2d5e6f7a8b9c"
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "sample-logs", "entra", "access-reviews")

COLUMNS = [
    "AccessReviewId", "AccessReviewSeriesId", "ReviewType", "ResourceDisplayName", "ResourceId",
    "ReviewName", "CreatedDateTime", "ReviewStartDate", "ReviewEndDate", "ReviewStatus", "OwnerId",
    "OwnerName", "OwnerUPN", "PrincipalId", "PrincipalName", "PrincipalUPN", "PrincipalType",
    "ReviewDate", "ReviewResult", "Justification", "ReviewerId", "ReviewerName", "ReviewerUPN",
    "ReviewerEmailAddress", "AppliedByName", "AppliedByUPN", "AppliedByEmailAddress", "AppliedDate",
    "AccessRecommendation", "SubmissionResult",
]

REVIEW = "6b1f0c52-3d7e-4f9a-8c21-5e4d3b2a1908"
SERIES = "00000000-0000-0000-0000-000000000000"
HELENA = ("d3e5ee2b-b00e-48c0-81aa-5b2e2f507299", "Helena Brandt", "helena.brandt@fabrikam.com")
GA = ("Global Administrator", "62e90394-69f5-4237-9190-012177145e10")

# (principal id, name, upn, type, resource, decision, review date, justification, applied)
ITEMS = [
    ("86bdf748-5a00-4a25-be53-825213e807a0", "Omar Haddad", "omar.haddad@fabrikam.com", "user",
     GA, "Approve", "2026-09-08T09:12:44Z", "Runs the identity platform", "Applied"),
    # Planted: deny decision, the role is never removed (access-review-decision-not-enforced).
    ("96c4901f-1525-4731-967e-1fa3a503211a", "Samuel Osei", "samuel.osei@fabrikam.com", "user",
     GA, "Deny", "2026-09-20T14:03:10Z", "Project ended; no longer needs Global Administrator",
     "Not Applied"),
    ("a0483c50-5f42-4d47-b0e0-ebf0ad4bfbd9", "Yuki Tanaka", "yuki.tanaka@fabrikam.com", "user",
     GA, "Approve", "2026-09-08T09:15:02Z", "", "Applied"),
    ("a0483c50-5f42-4d47-b0e0-ebf0ad4bfbd9", "Yuki Tanaka", "yuki.tanaka@fabrikam.com", "user",
     ("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814"), "Approve",
     "2026-09-08T09:15:40Z", "", "Applied"),
    ("3c1d682f-7d92-4914-bd1a-4831b5c92694", "Carlos Mendes", "carlos.mendes@fabrikam.com", "user",
     ("Groups Administrator", "fdd7a751-b60b-444a-984c-02652fe8fa1c"), "Approve",
     "2026-09-09T11:40:00Z", "Helpdesk lead", "Applied"),
    ("d3e5ee2b-b00e-48c0-81aa-5b2e2f507299", "Helena Brandt", "helena.brandt@fabrikam.com", "user",
     GA, "Approve", "2026-09-08T09:10:00Z", "Break-glass owner", "Applied"),
    ("e2f8ab50-0741-4552-845c-e0a8bc825905", "Reporting Data Export", "", "service principal",
     ("Reporting Data Export", "aacc34c9-0295-421d-a12f-fdb575cc143c"), "Approve",
     "2026-09-10T08:00:00Z", "Nightly finance export", "Applied"),
    ("9ff95c33-d5dc-4d6f-a497-809f1f60df0d", "Invoice Processing Worker", "", "service principal",
     ("Invoice Processing Worker", "e78f3c91-5881-4b53-b68a-cdf2151d8b78"), "Approve",
     "2026-09-10T08:01:00Z", "", "Applied"),
    ("9e13b18d-576b-4066-ba68-6810bb6ecfbc", "func-invoice-prod", "", "service principal",
     ("func-invoice-prod", "300fd95d-2e4c-4def-a433-747244d66811"), "Approve",
     "2026-09-10T08:02:00Z", "", "Applied"),
    # Planted: approved although its last sign-in was 2026-06-20, 97 days before
    # (access-review-approved-dormant).
    ("2e1696a3-7044-4072-bf7d-3bfd86f4862a", "Legacy Ticket Sync", "", "service principal",
     ("Legacy Ticket Sync", "a72f208c-3b84-49e6-b763-b8a20d708b64"), "Approve",
     "2026-09-25T16:30:00Z", "Still listed in the CMDB", "Applied"),
    # Not planted: the service principal Automation Runbook (383470ef-...), Global
    # Administrator since 2026-09-11 and signing in all through the period, is left out of
    # the review (access-review-missing-identity).
]


def main():
    rows = []
    for pid, name, upn, ptype, (res, res_id), result, date, why, applied in ITEMS:
        rows.append({
            "AccessReviewId": REVIEW,
            "AccessReviewSeriesId": SERIES,
            "ReviewType": "Microsoft Entra role" if ptype == "user" else "application",
            "ResourceDisplayName": res,
            "ResourceId": res_id,
            "ReviewName": "Q3 2026 privileged access review",
            "CreatedDateTime": "2026-08-28T10:00:00Z",
            "ReviewStartDate": "2026-09-01T00:00:00Z",
            "ReviewEndDate": "2026-09-30T23:59:59Z",
            "ReviewStatus": "Completed",
            "OwnerId": HELENA[0], "OwnerName": HELENA[1], "OwnerUPN": HELENA[2],
            "PrincipalId": pid, "PrincipalName": name, "PrincipalUPN": upn, "PrincipalType": ptype,
            "ReviewDate": date, "ReviewResult": result, "Justification": why,
            "ReviewerId": HELENA[0], "ReviewerName": HELENA[1], "ReviewerUPN": HELENA[2],
            "ReviewerEmailAddress": HELENA[2],
            "AppliedByName": HELENA[1] if applied == "Applied" else "",
            "AppliedByUPN": HELENA[2] if applied == "Applied" else "",
            "AppliedByEmailAddress": HELENA[2] if applied == "Applied" else "",
            "AppliedDate": "2026-10-01T02:00:00Z" if applied == "Applied" else "",
            "AccessRecommendation": "Approve" if result == "Approve" else "No Info",
            "SubmissionResult": applied,
        })
    folder = os.path.join(OUT, f"tenantId={TENANT}")
    os.makedirs(folder, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    with open(os.path.join(folder, "review-history.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


if __name__ == "__main__":
    main()
