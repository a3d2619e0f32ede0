"""HTTP routers of the engines, each a module with ``router = APIRouter()``; all are included."""
