from saleor_netterms.core.errors import NetTermsError


class ErpError(NetTermsError):
    code = "ERP_REQUEST_INVALID"
    http_status = 400
    merchant_message = "The request was refused."


def erp_error(code: str, message: str, status: int = 400) -> ErpError:
    return ErpError(message, code=code, merchant_message=message, http_status=status)
