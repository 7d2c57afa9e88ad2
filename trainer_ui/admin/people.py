"""People and teams (admin): accounts, roles and teams; a person's data exported or erased on request.
Every change is written to the audit log."""

import json

import pandas as pd
import streamlit as st

from coach.detect.languages import languages
from coach.storage import services as sv
from coach.vocabulary import ROLES
from trainer_ui import errors, records, signin, widgets
from trainer_ui.i18n import bound, language_names, t, term

user = signin.page("people", "People and teams")
LANGUAGES = list(languages())  # the languages the product serves; a person practises in theirs
tr = bound()  # the person's language, for the format functions

with records.reader() as r:
    teams = sv.list_teams(r)
    people = sv.list_people(r)
team_names = {tm["id"]: tm["name"] for tm in teams}

st.dataframe(pd.DataFrame([{t("id"): p["id"], t("name"): p["name"], t("login"): p["login"],
                            t("role"): term(p["role"]), t("team"): p["team"] or "",
                            t("language"): p.get("language") or "en", t("active"): p["active"]}
                           for p in people]),
             hide_index=True, width="stretch", height=300)

left, right = st.columns(2)
with left, st.form("new_person", clear_on_submit=True):
    st.markdown(t("**Add a person**"))
    name = st.text_input(t("Full name"), max_chars=200, key="np_name")
    login = st.text_input(t("Login"), max_chars=120, key="np_login", placeholder="anna.berg")
    role = st.selectbox(t("Role"), ROLES, key="np_role", format_func=tr)
    team = st.selectbox(t("Team"), [None, *team_names], key="np_team",
                        format_func=lambda i: tr("no team") if i is None else team_names[i])
    language = st.selectbox(t("Serves customers in"), LANGUAGES, key="np_language",
                            format_func=language_names())
    password = st.text_input(t("First password (8 characters or more)"), type="password", key="np_password",
                             max_chars=200)
    if st.form_submit_button(t("Add")):
        with errors.shown(t("the person was not added")):
            with records.uow() as w:
                sv.create_person(w, name=name, login=login, role=role, team_id=team, password=password,
                                 actor_id=user["id"], language=language)
                w.commit()
            widgets.show(f"{widgets.MET} {widgets.typed(name)} " + t("can now sign in as") +
                         f" {widgets.typed(login.strip().lower())}.")
            st.rerun()
with right, st.form("new_team", clear_on_submit=True):
    st.markdown(t("**Add a team**"))
    tname = st.text_input(t("Team name"), max_chars=120, key="nt_name")
    if st.form_submit_button(t("Add team")):
        with errors.shown(t("the team was not added")):
            with records.uow() as w:
                sv.create_team(w, tname, actor_id=user["id"])
                w.commit()
            st.rerun()

st.subheader(t("Change a person"))
if not people:
    widgets.empty(t("Nobody here yet: add the first person above."))
    st.stop()
by_id = {p["id"]: p for p in people}
who = by_id[st.selectbox(t("Person"), list(by_id), key="edit_person",
                         format_func=lambda i: f"{by_id[i]['name']} ({by_id[i]['login']})")]
c = st.columns(4)
new_role = c[0].selectbox(t("Role"), ROLES, index=ROLES.index(who["role"]), key=f"er_{who['id']}",
                           format_func=tr)
new_team = c[1].selectbox(t("Team"), [None, *team_names], key=f"et_{who['id']}",
                          index=([None, *team_names].index(who["team_id"]) if who["team_id"] in team_names else 0),
                          format_func=lambda i: tr("no team") if i is None else team_names[i])
new_language = c[2].selectbox(t("Serves customers in"), LANGUAGES, key=f"el_{who['id']}",
                              format_func=language_names(),
                              index=LANGUAGES.index(who.get("language")) if who.get("language") in LANGUAGES else 0)
active = c[3].checkbox(t("Can sign in"), value=who["active"], key=f"ea_{who['id']}")
new_password = st.text_input(t("New password (leave empty to keep)"), type="password", key=f"ep_{who['id']}",
                             max_chars=200)
if st.button(t("Save changes"), key="save_person"):
    with errors.shown(t("the change was not saved")):
        with records.uow() as w:
            sv.update_person(w, who["id"], actor_id=user["id"], role=new_role, team_id=new_team, active=active,
                             password=new_password or None, language=new_language)
            w.commit()
        st.success(t("Saved."))
        st.rerun()

with st.expander(t("Company settings")):
    with records.reader() as r:
        four = sv.get_setting(r, "review.four_eyes")
    st.markdown(t("**Four eyes on changed scores**: a trainer's score that moves the machine's by more than this "
                  "many points counts only once a second trainer or a manager approves it."))
    c = st.columns([1, 1, 2])
    on = c[0].checkbox(t("Required"), value=four.enabled, key="four_eyes_on")
    points = c[1].number_input(t("More than (points)"), 0, 100, value=four.min_change, key="four_eyes_points")
    if c[2].button(t("Save the setting"), key="four_eyes_save"):
        with errors.shown(t("the setting was not saved")):
            with records.uow() as w:
                sv.set_setting(w, "review.four_eyes", actor_id=user["id"], enabled=bool(on), min_change=int(points))
                w.commit()
            st.success(t("Saved."))

    with records.reader() as r:
        recordings = sv.get_setting(r, "voice.recordings")
    st.markdown(t("**Recordings of spoken replies**: keep the sound of what trainees say aloud on the phone track "
                  "with the session, for trainers to listen to. Off unless your staff have agreed; what was said and "
                  "how it measured (pace, pauses, loudness) is kept either way. A person's export holds their "
                  "recordings and erasing the person deletes them."))
    r1 = st.columns([1, 3])
    keep = r1[0].checkbox(t("Keep recordings"), value=recordings.keep, key="recordings_keep")
    if r1[1].button(t("Save the setting"), key="recordings_save"):
        with errors.shown(t("the setting was not saved")):
            with records.uow() as w:
                sv.set_setting(w, "voice.recordings", actor_id=user["id"], keep=bool(keep))
                w.commit()
            st.success(t("Saved."))

with st.expander(t("Data requests (export, erase)")):
    if st.button(t("Prepare an export of everything stored about this person"), key="export"):
        with errors.shown(t("the export failed")):
            with records.uow() as w:
                data = sv.export_person(w, who["id"], actor_id=user["id"])
                w.commit()
            st.session_state["export_blob"] = (who["id"], json.dumps(data, indent=2, ensure_ascii=False))
    blob = st.session_state.get("export_blob")
    if blob and blob[0] == who["id"]:
        st.download_button(t("Download the export (JSON)"), blob[1], file_name=f"person-{who['id']}.json",
                           mime="application/json", key="export_download")
    st.warning(t("Erasing removes the name, login, password and every word this person said in practice; the "
                 "anonymous scores stay. It cannot be undone."))
    confirm = st.text_input(t("Type {login} to confirm", login=who["login"]), key="erase_confirm")
    if st.button(t("Erase this person's data"), key="erase", disabled=confirm.strip().lower() != (who["login"] or "")):
        with errors.shown(t("the erasure failed")):
            if who["id"] == user["id"]:
                raise ValueError(t("you cannot erase your own account while signed in with it"))
            with records.uow() as w:
                done = sv.delete_person(w, who["id"], actor_id=user["id"])
                w.commit()
            st.success(t("Erased."))
            widgets.show(widgets.typed(done))
