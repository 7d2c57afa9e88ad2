"""The Streamlit panel (practise, review, progress, employee of the month), pages grouped by role."""
