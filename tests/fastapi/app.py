"""A small pets API written with FastAPI, as a team would write it: CI asks FastAPI itself for
its OpenAPI document (`python3 app.py > openapi.json`), which is never edited by hand, and
generates a client from it with `openapi-rust-gen.toml` beside it."""

import json
from typing import Annotated, Literal, Optional, Union

from fastapi import Depends, FastAPI, File, HTTPException, UploadFile
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

app = FastAPI(title="Pets", version="1.0.0")

# The most common FastAPI setup: a relative tokenUrl, no `servers` in the document.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
TOKENS = {"at-1": "ann"}


@app.post("/token", include_in_schema=False)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
    if (form.username, form.password) != ("ann", "secret"):
        raise HTTPException(status_code=400, detail="wrong user name or password")
    return {"access_token": "at-1", "token_type": "bearer"}


def user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    if token not in TOKENS:
        raise HTTPException(status_code=401, detail="bad token", headers={"WWW-Authenticate": "Bearer"})
    return TOKENS[token]


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool = True


class Pet(BaseModel):
    id: int
    name: str
    nickname: Optional[str] = None
    details: Annotated[Union[Cat, Dog], Field(discriminator="kind")]


class PetCreate(BaseModel):
    name: str
    nickname: Optional[str] = None
    details: Annotated[Union[Cat, Dog], Field(discriminator="kind")]


class PetUpdate(BaseModel):
    name: Optional[str] = None
    nickname: Optional[str] = None


PETS: dict[int, Pet] = {}


@app.get("/pets", tags=["pets"])
def list_pets(_: Annotated[str, Depends(user)], limit: int = 10) -> list[Pet]:
    return list(PETS.values())[:limit]


@app.post("/pets", tags=["pets"], status_code=201)
def create_pet(pet: PetCreate, _: Annotated[str, Depends(user)]) -> Pet:
    created = Pet(id=len(PETS) + 1, **pet.model_dump())
    PETS[created.id] = created
    return created


@app.get("/pets/{pet_id}", tags=["pets"])
def get_pet(pet_id: int, _: Annotated[str, Depends(user)]) -> Pet:
    if pet_id not in PETS:
        raise HTTPException(status_code=404, detail="no such pet")
    return PETS[pet_id]


@app.patch("/pets/{pet_id}", tags=["pets"])
def update_pet(pet_id: int, update: PetUpdate, _: Annotated[str, Depends(user)]) -> Pet:
    # Absent and null differ: only the fields sent change, and `null` clears one.
    pet = PETS[pet_id]
    changed = pet.model_copy(update=update.model_dump(exclude_unset=True))
    PETS[pet_id] = changed
    return changed


@app.post("/files", tags=["files"])
async def upload_file(_: Annotated[str, Depends(user)], file: UploadFile = File(...)) -> dict[str, int]:
    return {"size": len(await file.read())}


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
