from django.urls import path

from engine.web.admin import site
from engine.web.views import (
    account,
    accounts,
    jobs,
    lists,
    lockouts,
    overview,
    proposals,
    province,
    street_return,
    who,
)
from engine.web.views.imports import import_confirm, import_page, import_review

handler400 = "engine.web.views.errors.bad_request"
handler403 = "engine.web.views.errors.forbidden"
handler404 = "engine.web.views.errors.not_found"
handler500 = "engine.web.views.errors.server_error"

urlpatterns = [
    path("", proposals.todo, name="todo"),
    path("login/", account.Login.as_view(), name="login"),
    path("logout/", account.Logout.as_view(), name="logout"),
    path("password/", account.PasswordChange.as_view(), name="password"),
    path("role/", account.choose_role, name="role"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.new_proposal, name="new"),
    path("proposals/return/", street_return.street_return_page, name="street_return"),
    path("proposals/publish/", proposals.publish_several, name="publish_several"),
    path("proposals/<str:pid>/", proposals.proposal, name="proposal"),
    path("proposals/<str:pid>/attachments/<int:seq>/", proposals.attachment,
         name="attachment"),
    path("proposals/<str:pid>/<str:step>/", proposals.act, name="act"),
    path("lists/", lists.lists_page, name="lists"),
    path("lists/download/", lists.download, name="download"),
    path("lists/diff/", lists.diff, name="diff"),
    path("lists/who/", who.who, name="who"),
    path("lists/assessment/", who.assessment, name="assessment"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/lists/", jobs.ask_lists, name="ask_lists"),
    path("jobs/<int:job>/", jobs.job_page, name="job"),
    path("jobs/<int:job>/download/", jobs.job_download, name="job_download"),
    path("overview/", overview.overview, name="overview"),
    path("audit/", overview.audit, name="audit"),
    path("staffing/", overview.staffing, name="staffing"),
    path("province/", province.province, name="province"),
    path("lockouts/", lockouts.lockout_list, name="lockouts"),
    path("lockouts/<int:lockout>/lift/", lockouts.lift, name="lift_lockout"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.new_account, name="new_account"),
    path("accounts/import/", accounts.import_page, name="import_accounts"),
    path("accounts/user/<str:username>/", accounts.account_page, name="account"),
    path("accounts/user/<str:username>/<str:action>/", accounts.account_action,
         name="account_action"),
    path("import/", import_page, name="import"),
    path("import/review/", import_review, name="import_review"),
    path("import/confirm/", import_confirm, name="import_confirm"),
    path("admin/", site.urls),
]
