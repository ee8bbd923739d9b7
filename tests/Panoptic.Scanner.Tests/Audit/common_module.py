def normalize_amount(value, currency):
    if value is None:
        raise ValueError('amount is required')
    cents = int(round(float(value) * 100))
    if cents < 0:
        raise ValueError('amount must be positive')
    if currency not in ('EUR', 'USD', 'GBP'):
        raise ValueError('unsupported currency ' + currency)
    return {'cents': cents, 'currency': currency}

def build_headers(token, request_id):
    headers = {'Authorization': 'Bearer ' + token}
    headers['X-Request-Id'] = request_id
    headers['Content-Type'] = 'application/json'
    headers['Accept'] = 'application/json'
    return headers

def retry_delays(attempts, base, factor):
    delays = []
    delay = base
    for attempt in range(attempts):
        delays.append(min(delay, 30))
        delay = delay * factor
    return delays
