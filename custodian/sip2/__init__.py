"""SIP2 2.00 for self-check kiosks, return machines and PC-booking systems (docs/sip2.md).

`messages.py` is the shared vocabulary: the `Message` value, each message's fixed fields
and the `Conversation` the server hands each request to. `codec.py` reads and writes the
wire form; `server.py` is the asyncio server; `handlers.py` answers through the door.
"""
