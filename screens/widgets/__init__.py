"""Widgets the guest screens share: the QR code and the input fields."""
