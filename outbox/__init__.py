"""Every message the portal sends: the outbox rows, queueing, dispatch, channels and quiet hours.

Other apps ask it to send (`outbox.queueing.queue_messages`) and register
how their kinds of message are written (`outbox.registry`); it knows
nothing of their models beyond the generic link to what a message is about.
"""
