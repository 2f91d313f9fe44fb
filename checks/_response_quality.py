"""The sources the QR checks cite, shared by response_quality.py and response_quality_whole.py."""

SOURCE = "LGSCO Complaint Handling Code 6.5-6.8; Housing Ombudsman Code 5.6-5.8; SI 2009/309 reg 14(2)"
