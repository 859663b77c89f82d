"""The names the code uses for states, actions, stages, roles and opinions.

The process file (``duties/workflow/admission.yaml``) is data, but the service fires named
steps; these enums are the names it may use, and the loader checks the file against them.
"""

from __future__ import annotations

from enum import Enum


class StateName(str, Enum):
    draft = "draft"
    submitted = "submitted"
    office_review = "office_review"
    legal_review = "legal_review"
    hearing = "hearing"
    deliberation = "deliberation"
    provisional = "provisional"
    admitted = "admitted"
    city_review = "city_review"
    province_review = "province_review"
    returned = "returned"
    rejected = "rejected"
    withdrawn = "withdrawn"
    published = "published"


class Action(str, Enum):
    draft = "draft"
    submit = "submit"
    save_draft = "save_draft"
    department_opinion = "department_opinion"
    start_review = "start_review"
    pass_review = "pass_review"
    return_ = "return"
    legal_pass = "legal_pass"
    legal_fail = "legal_fail"
    opinion = "opinion"
    close_hearing = "close_hearing"
    provisional = "provisional"
    admit = "admit"
    reject = "reject"
    report_city = "report_city"
    city_approve = "city_approve"
    city_return = "city_return"
    report_province = "report_province"
    province_approve = "province_approve"
    province_return = "province_return"
    publish = "publish"
    withdraw = "withdraw"


class GuardName(str, Enum):
    """The guard conditions the code provides (``engine.workflow.machine`` registers one
    check under each name; a process file may name only these)."""

    applicant_may_propose = "applicant_may_propose"
    evaluation_clear = "evaluation_clear"
    evaluation_blocks = "evaluation_blocks"
    evaluation_admits = "evaluation_admits"
    target_street = "target_street"
    street_request = "street_request"
    concerned_department = "concerned_department"
    department_heard = "department_heard"
    hearing_closed = "hearing_closed"
    emergency = "emergency"
    meeting_recorded = "meeting_recorded"
    still_admitted = "still_admitted"
    city_review_required = "city_review_required"
    province_review_required = "province_review_required"
    reviewed_upward = "reviewed_upward"


class Stage(str, Enum):
    """When a decision was made: at office review, at the meeting, at publication."""

    review = "review"
    decision = "decision"
    publication = "publication"


class RoleKind(str, Enum):
    department = "department"
    office = "office"
    justice = "justice"
    street = "street"
    county = "county"
    city = "city"  # 市: city:CODE, the county's city by its 行政区划代码
    province = "province"  # 省: province:CODE
    admin = "admin"


# the levels above the county that may review its decisions (逐级报送), in order
LEVELS = (RoleKind.city, RoleKind.province)


class MeetingOutcome(str, Enum):
    """What the county meeting decides."""

    admit = "admit"
    reject = "reject"
    provisional = "provisional"


class Opinion(str, Enum):
    agree = "agree"
    agree_with_conditions = "agree_with_conditions"
    object = "object"


class SystemAction(str, Enum):
    """Audit entries that are not steps of a proposal."""

    create_store = "create_store"
    migrate_store = "migrate_store"
    county_revision = "county_revision"
    user_add = "user_add"
    user_disable = "user_disable"
    token_issue = "token_issue"
    token_revoke = "token_revoke"
    password_set = "password_set"
    user_enable = "user_enable"
    password_reset = "password_reset"
    user_grant = "user_grant"
    user_import = "user_import"
    versions_converted = "versions_converted"  # whole lists of older versions into changes
    lockout_lift = "lockout_lift"  # log-in lock-outs lifted (not an account change: no seal)
    county_import = "county_import"  # the office imported the county's catalogue (web)
