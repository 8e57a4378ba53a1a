from saleor_netterms.core.errors import NetTermsError


class CollectionsError(NetTermsError):
    code = "COLLECTIONS_INVALID"
    http_status = 400
    merchant_message = "The collections request is not valid."


def collections_error(code: str, message: str, *, http_status: int = 400) -> CollectionsError:
    return CollectionsError(message, code=code, merchant_message=message, buyer_message=message,
                            http_status=http_status)
