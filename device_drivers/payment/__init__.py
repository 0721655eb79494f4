"""ZVT payment terminals (PA00P015 / PA00P016): the kiosk is the ECR, the terminal the PT.

Pure, sans-I/O modules: zvt_errors, zvt_fields (BMP table, BCD), zvt_tlv (BMP 06 container),
zvt_apdu (control field, lengths, stream splitting), zvt_messages (commands and their fixed
parameters), zvt_codes (result codes, status texts, card types), zvt_serial (DLE framing,
CRC, ACK/NAK), zvt_session (the ECR's transaction state table), zvt_json (the JSON form for
`kiosk payment decode/encode`). I/O lives only in zvt_links (TCP and serial) and zvt_terminal
(the adapter implementing kiosk.core.payments.terminal.PaymentTerminal).
"""
