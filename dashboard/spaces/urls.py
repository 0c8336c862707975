from django.urls import path

from dashboard.spaces import edit_views, views

app_name = "spaces"

urlpatterns = [
    path("", views.space_list, name="list"),
    path("new/", edit_views.space_create, name="create"),
    path("trash/", edit_views.trash, name="trash"),
    path("filters/collections/", views.collection_filter_options, name="collection_options"),
    path("bulk/", edit_views.bulk_change, name="bulk"),
    path("bulk/<int:job_id>/retry-failed/", edit_views.bulk_retry_failed, name="bulk_retry"),
    path("<str:space_id>/", views.space_detail, name="detail"),
    path("<str:space_id>/edit/", edit_views.space_edit, name="edit"),
    path("<str:space_id>/cell/", views.space_cell, name="cell"),
    path("<str:space_id>/lock/", edit_views.space_lock, name="lock"),
    path("<str:space_id>/move/", edit_views.space_move, name="move"),
    path("<str:space_id>/move/siblings/", edit_views.move_siblings, name="move_siblings"),
    path("<str:space_id>/delete/", edit_views.space_delete, name="delete"),
    path("<str:space_id>/restore/", edit_views.space_restore, name="restore"),
    path("<str:space_id>/duplicate/", edit_views.space_duplicate, name="duplicate"),
    path("<str:space_id>/transfer/", edit_views.space_transfer, name="transfer"),
]
