#!/usr/bin/env python3
"""XML-RPC and raw HTTP calls over the case's UNIX socket, printing only stable results.

  rpc.py call METHOD [JSON-ARGS...]   print the result (or "FAULT code text")
  rpc.py http METHOD PATH [BODY]      print the HTTP status and body
"""
import http.client
import json
import os
import socket
import sys
import xmlrpc.client

SOCK = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'supervisor.sock')


class UnixConnection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__('localhost')

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(SOCK)


class UnixTransport(xmlrpc.client.Transport):
    def make_connection(self, host):
        return UnixConnection()


def show(value, indent=''):
    if isinstance(value, dict):
        for k in sorted(value):
            if isinstance(value[k], (dict, list)):
                print('%s%s:' % (indent, k))
                show(value[k], indent + '  ')
            else:
                print('%s%s: %r' % (indent, k, value[k]))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                print('%s-' % indent)
                show(item, indent + '  ')
            else:
                print('%s- %r' % (indent, item))
    else:
        print('%s%r' % (indent, value))


if sys.argv[1] == 'call':
    proxy = xmlrpc.client.ServerProxy('http://localhost/RPC2', transport=UnixTransport())
    method = sys.argv[2]
    args = [json.loads(a) for a in sys.argv[3:]]
    try:
        show(getattr(proxy, method)(*args))
    except xmlrpc.client.Fault as f:
        print('FAULT %d %s' % (f.faultCode, f.faultString))
else:
    conn = UnixConnection()
    body = sys.argv[4].encode() if len(sys.argv) > 4 else None
    headers = {'Content-Type': 'text/xml'} if body is not None else {}
    conn.request(sys.argv[2], sys.argv[3], body=body, headers=headers)
    r = conn.getresponse()
    print('HTTP %d' % r.status)
    print(r.read().decode('utf-8', 'replace').replace('\r\n', '\n'))
