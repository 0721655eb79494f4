"""gettext catalogues of the kiosk: <lang>/LC_MESSAGES/kiosk.po, read by kiosk/i18n.py."""
