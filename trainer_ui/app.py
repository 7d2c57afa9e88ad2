"""The panel's entry point and router: `streamlit run trainer_ui/app.py`.

It sets the page up, checks who is signed in and shows the pages of their role (st.navigation);
every page checks the role again on the server side (trainer_ui.signin.page), so a hidden page stays closed
even when its address is typed in.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # streamlit puts this folder on the path, the pages import trainer_ui.*
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from coach import auth, resources  # noqa: E402
from trainer_ui import errors, signin  # noqa: E402
from trainer_ui.i18n import language_names, t, term  # noqa: E402

st.set_page_config(page_title="Service coach", page_icon="🎧", layout="wide")

PAGES = [  # (section, page key, file, title, icon)
    ("Practice", "practise", "trainee/practise.py", "Practise", ":material/headset_mic:"),
    ("Practice", "drill", "trainee/drill.py", "Phrase drill", ":material/repeat:"),
    ("Practice", "progress", "trainee/progress.py", "My progress", ":material/trending_up:"),
    ("Coaching", "review", "trainer/review.py", "Review queue", ":material/rate_review:"),
    ("Coaching", "calibration", "trainer/calibration.py", "Calibration", ":material/balance:"),
    ("Management", "team", "manager/team.py", "Team dashboard", ":material/groups:"),
    ("Management", "award", "manager/award.py", "Employee of the month", ":material/emoji_events:"),
    ("Reference", "standards", "common/standards.py", "Standards", ":material/menu_book:"),
    ("Reference", "session", "common/session.py", "Session", ":material/folder_open:"),
    ("Company", "people", "admin/people.py", "People and teams", ":material/manage_accounts:"),
]


def sign_in_page():
    st.title(t("Service coach"))
    st.caption(t("Practise with difficult customers, see what to say better, follow your progress."))
    if st.session_state.get("signed_out_reason"):
        st.info(st.session_state.pop("signed_out_reason"))
    with st.form("sign_in"):
        login = st.text_input("Login", key="login", max_chars=120)
        password = st.text_input("Password", type="password", key="password", max_chars=200)
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    with errors.shown("signing in"):
        # counted before the password is checked, in the process-wide throttle (coach.auth)
        user, problem = auth.sign_in(resources.database(), login, password, address=st.context.ip_address)
        if user is None:
            st.error(problem)
            return
        signin.sign_in(user)
        st.rerun()


def language_picker(user: dict):
    """The person's own language (their profile; an admin sets it on the People page): the Practise and Phrase
    drill pages start in it. Saved, and audited, when the person changes it."""
    from coach.detect.languages import languages
    from coach.storage import services as sv

    codes = list(languages())
    current = user.get("language") or "en"
    chosen = st.sidebar.selectbox(t("I serve customers in"), codes, key="my_language", format_func=language_names(),
                                  index=codes.index(current) if current in codes else 0)
    if chosen != current:
        with errors.shown(t("your language was not saved")):
            with resources.database().uow() as w:
                sv.set_language(w, user["id"], chosen, actor_id=user["id"])
                w.commit()
            user["language"] = chosen
            st.rerun()  # the page again, in the language chosen


def sign_out_page():
    signin.sign_out()
    st.session_state["signed_out_reason"] = "You are signed out."
    st.rerun()


user = signin.current_user()
if user is None:
    nav = st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/login:", url_path="sign-in")])
else:
    sections: dict = {}
    for section, key, file, title, icon in PAGES:
        if auth.allowed(user["role"], key) and key != "session":
            sections.setdefault(term(section), []).append(
                st.Page(file, title=term(title), icon=icon, url_path=key))
    # the session page is reached from lists (a link with ?id=), not from the menu
    sections.setdefault(t("Reference"), []).append(
        st.Page("common/session.py", title=t("Session"), icon=":material/folder_open:", url_path="session"))
    sections[t("Account")] = [st.Page(sign_out_page, title=t("Sign out ({name})", name=user["name"]),
                                      icon=":material/logout:", url_path="sign-out")]
    nav = st.navigation(sections)
    language_picker(user)
nav.run()
