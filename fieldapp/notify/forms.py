from flask_wtf import FlaskForm


class RetryForm(FlaskForm):
    """One-button form: CSRF on "retry now" too."""
