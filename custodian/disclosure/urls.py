from django.urls import path

from custodian.disclosure import intake_views, views

app_name = "disclosure"
urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", intake_views.intake, name="intake"),
    path("intake/how/", intake_views.intake_how, name="intake_how"),
    path("intake/shows/", intake_views.intake_shows, name="intake_shows"),
    path("intake/wants/", intake_views.intake_wants, name="intake_wants"),
    path("intake/cancel/", intake_views.intake_cancel, name="intake_cancel"),
    path("request/<uuid:ref>/", views.request_detail, name="request"),
    path("request/<uuid:ref>/proof/", views.request_add_proof, name="request_add_proof"),
    path("checklist/", views.checklist, name="checklist"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<uuid:ref>/", views.case_detail, name="case"),
    path("cases/<uuid:ref>/note/", views.case_note, name="note"),
    path("cases/<uuid:ref>/review/", views.case_review, name="review"),
    path("cases/<uuid:ref>/decision/", views.case_decision, name="decision"),
    path("cases/<uuid:ref>/release/", views.case_release, name="release"),
    path("cases/<uuid:ref>/cost/", views.case_cost, name="cost"),
    path("cases/<uuid:ref>/counsel/", views.case_counsel, name="counsel"),
    path("cases/<uuid:ref>/unseal/", views.case_unseal, name="unseal"),
    path("cases/<uuid:ref>/close/", views.case_close, name="close"),
    path("cases/<uuid:ref>/scan/", views.case_scan, name="scan"),
    path("cases/<uuid:ref>/incident-report/", views.incident_report, name="incident_report"),
    path("cases/<uuid:ref>/invoice/", views.invoice, name="invoice"),
    path("cases/<uuid:ref>/package/<uuid:release_ref>/", views.package_page, name="package_page"),
    path(
        "cases/<uuid:ref>/package/<uuid:release_ref>.<str:kind>", views.release_file, name="package"
    ),
    path("board/", views.board, name="board"),
]
