"""The wrong-login throttle counts per machine address, whatever port it reconnects from."""

from custodian.sip2.services import peer_key


def test_ipv4_peers_differing_only_in_port_share_a_key():
    assert peer_key("10.0.0.7:50123") == peer_key("10.0.0.7:60000")
    assert peer_key("10.0.0.7:50123") != peer_key("10.0.0.8:50123")


def test_ipv6_peers_differing_only_in_port_share_a_key():
    assert peer_key("[2001:db8::7]:50123") == peer_key("[2001:db8::7]:60000")
    assert peer_key("[2001:db8::7]:50123") != peer_key("[2001:db8::8]:50123")
